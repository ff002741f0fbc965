import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/** A loopback stand-in for a channel's connector: it keeps what the bot sends to each conversation. */
export class LoopbackConnector {
  /** The messages (and cards) each conversation received; typing indicators are counted apart. */
  readonly received = new Map<string, Array<Partial<Activity>>>();
  readonly typing = new Map<string, number>();
  /** Everything each conversation received, typing indicators included, in order, with the id given back. */
  readonly sent = new Map<string, Array<{ id: string; path: string; activity: Partial<Activity> }>>();
  private nextId = 0;
  /** Members the connector knows, as Teams returns them (GET /v3/conversations/:id/members/:user). */
  readonly members = new Map<string, Record<string, unknown>>();
  /**
   * When set, posting an activity fails with this HTTP status (a connector outage). A 429 or 503 says
   * Retry-After: 0, so the connector client spends its few retries at once instead of backing off for
   * seconds; what the bot does once they are spent is the same.
   */
  failWith: number | undefined;
  /** Conversations where posting or updating an activity fails with the status given (an outage there only). */
  readonly failIn = new Map<string, number>();
  /** The activities replaced in place (PUT …/activities/:id), per conversation, in order. */
  readonly updated = new Map<string, Array<{ id: string; activity: Partial<Activity> }>>();
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const member = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '');
        if (member && req.method === 'GET') {
          const found = this.members.get(decodeURIComponent(member[1]!));
          res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
          res.end(JSON.stringify(found ?? { error: { code: 'MemberNotFound' } }));
          return;
        }
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
        const failure = m && (req.method === 'POST' || req.method === 'PUT') ? (this.failIn.get(decodeURIComponent(m[1]!)) ?? (req.method === 'POST' ? this.failWith : undefined)) : undefined;
        if (failure) {
          res.writeHead(failure, { 'content-type': 'application/json', ...([429, 503].includes(failure) ? { 'retry-after': '0' } : {}) });
          res.end(JSON.stringify({ error: { code: 'ServiceError', message: 'connector unavailable' } }));
          return;
        }
        if (m?.[2] && req.method === 'PUT') {
          const conversation = decodeURIComponent(m[1]!);
          const id = decodeURIComponent(m[2]);
          this.updated.set(conversation, [...(this.updated.get(conversation) ?? []), { id, activity: JSON.parse(body) as Partial<Activity> }]);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
          return;
        }
        if (m && req.method === 'POST') {
          const conversation = decodeURIComponent(m[1]!);
          const activity = JSON.parse(body) as Partial<Activity>;
          const id = `reply-${Date.now()}-${++this.nextId}`;
          this.sent.set(conversation, [...(this.sent.get(conversation) ?? []), { id, path: req.url ?? '', activity }]);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
          if (activity.type === 'typing') this.typing.set(conversation, (this.typing.get(conversation) ?? 0) + 1);
          else {
            const list = this.received.get(conversation) ?? [];
            list.push(activity);
            this.received.set(conversation, list);
          }
          this.waiters.splice(0).forEach((w) => w());
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${Date.now()}` }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves once the conversation holds at least n activities (or rejects after timeoutMs). */
  async waitFor(conversation: string, n: number, timeoutMs = 5000): Promise<Array<Partial<Activity>>> {
    const deadline = Date.now() + timeoutMs;
    while ((this.received.get(conversation)?.length ?? 0) < n) {
      if (Date.now() > deadline) throw new Error(`no reply in ${conversation} after ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.received.get(conversation)!;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
