import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Dimensions of the test vectors: enough that unrelated words seldom share one. */
const DIMS = 256;

/** What the model "says" to one request: a structured answer, an HTTP error, or nothing for a while. */
export type ModelReply =
  | { readonly answer: unknown; readonly usage?: { prompt: number; completion: number } }
  | { readonly status: number; readonly retryAfterMs?: number }
  | { readonly delayMs: number; readonly then: ModelReply };

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { model?: string; stream?: boolean; input?: string | string[]; messages: Array<{ role: string; content: string }>; response_format?: { type: string; json_schema?: { name: string } }; user?: unknown };
}

/**
 * An OpenAI-compatible server on loopback, enough of Chat Completions (streamed and not) for the real
 * `openai` client: each request is answered by the test's function, and every request is kept.
 */
export class ModelServer {
  private server: Server | undefined;
  readonly seen: SeenRequest[] = [];
  reply: (req: SeenRequest) => ModelReply = () => ({ status: 500 });
  /** The embeddings endpoint's status: 200 gives vectors, anything else an error. */
  embeddingStatus = 200;
  /** How long the embeddings endpoint takes to answer. */
  embeddingDelayMs = 0;
  /** Words this "model" takes to mean the same (word → what it means): how a question in other words comes near a passage. */
  readonly meanings = new Map<string, string>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests that reached the completions endpoint. */
  get completions(): SeenRequest[] {
    return this.seen.filter((r) => /\/chat\/completions/.test(r.path));
  }

  /** Requests that reached the embeddings endpoint. */
  get embeddings(): SeenRequest[] {
    return this.seen.filter((r) => /\/embeddings(\?|$)/.test(r.path));
  }

  /** Texts embedded so far, every request together. */
  get embeddedTexts(): string[] {
    return this.embeddings.flatMap((r) => (Array.isArray(r.body.input) ? r.body.input : [r.body.input ?? '']));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const seen: SeenRequest = { path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as SeenRequest['body'] };
    this.seen.push(seen);
    if (/\/embeddings(\?|$)/.test(seen.path)) {
      if (this.embeddingDelayMs) await new Promise((r) => setTimeout(r, this.embeddingDelayMs));
      return this.embed(res, seen);
    }
    if (!/\/chat\/completions(\?|$)/.test(seen.path)) return void res.writeHead(404).end();
    await this.send(res, seen, this.reply(seen));
  }

  /** Deterministic vectors: a bag of crudely stemmed words (each read through `meanings`), hashed into DIMS dimensions. */
  private embed(res: ServerResponse, req: SeenRequest): void {
    if (this.embeddingStatus !== 200) {
      res.writeHead(this.embeddingStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `status ${this.embeddingStatus}`, type: 'server_error' } }));
      return;
    }
    const inputs = Array.isArray(req.body.input) ? req.body.input : [req.body.input ?? ''];
    const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: this.vectorOf(text) }));
    const tokens = inputs.reduce((n, t) => n + t.split(/\s+/).length, 0);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: req.body.model ?? 'test-embedding', usage: { prompt_tokens: tokens, total_tokens: tokens } }));
  }

  private vectorOf(text: string): number[] {
    const v = new Array<number>(DIMS).fill(0);
    const words = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().match(/[a-z0-9]+/g) ?? [];
    for (const word of words) {
      if (word.length < 4) continue;
      const stem = word.replace(/(ing|ed|es|s)$/, '');
      const meant = this.meanings.get(stem) ?? this.meanings.get(word) ?? stem;
      v[createHash('sha256').update(meant).digest().readUInt16BE(0) % DIMS]! += 1;
    }
    return v;
  }

  private async send(res: ServerResponse, req: SeenRequest, reply: ModelReply): Promise<void> {
    if ('delayMs' in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed || res.writableEnded || req.body === undefined) return;
      return this.send(res, req, reply.then);
    }
    if ('status' in reply) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      res.writeHead(reply.status, headers).end(JSON.stringify({ error: { message: `status ${reply.status}`, type: 'server_error' } }));
      return;
    }
    const content = JSON.stringify(reply.answer);
    const usage = { prompt_tokens: reply.usage?.prompt ?? 100, completion_tokens: reply.usage?.completion ?? 20, total_tokens: (reply.usage?.prompt ?? 100) + (reply.usage?.completion ?? 20) };
    const base = { id: 'chatcmpl-test', created: 1_600_000_000, model: req.body.model ?? 'test-model' };
    if (!req.body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }], usage }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    // The JSON in small pieces, as a model streams it.
    for (let i = 0; i < content.length; i += 16) event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: content.slice(i, i + 16) }, finish_reason: null }] });
    event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    event({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    res.end('data: [DONE]\n\n');
  }
}

/** The sources a request showed the model, by id, and the question it quoted. */
export function shownTo(req: SeenRequest): { ids: string[]; question: string; system: string } {
  const user = req.body.messages.find((m) => m.role === 'user')?.content ?? '';
  const system = req.body.messages.find((m) => m.role === 'system')?.content ?? '';
  const ids = [...user.matchAll(/^\[([^\]]+)\]/gm)].map((m) => m[1]!);
  const question = /<question>\n([\s\S]*)\n<\/question>/.exec(user)?.[1] ?? '';
  return { ids, question, system };
}
