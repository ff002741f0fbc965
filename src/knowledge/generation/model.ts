import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { GeneratedAnswerSchema, type GeneratedAnswer } from './prompt';

export interface TokenUsage {
  readonly prompt: number;
  readonly completion: number;
}

export interface Generation {
  readonly answer: GeneratedAnswer;
  readonly usage: TokenUsage;
}

/** What the answerer asks of a model: a structured answer to the messages, or an error. */
export interface AnswerModel {
  generate(messages: ChatCompletionMessageParam[], opts: { signal: AbortSignal; onText?: ((delta: string) => void) | undefined }): Promise<Generation>;
}

/** The model's reply could not be read as an answer (no content, a refusal, a cut reply). */
export class UnreadableOutputError extends Error {
  constructor(reason: string) {
    super(`the model's reply is not a structured answer: ${reason}`);
    this.name = 'UnreadableOutputError';
  }
}

const FORMAT = zodResponseFormat(GeneratedAnswerSchema, 'grounded_answer');

/**
 * Chat Completions with structured output (a zod schema through the package's helper), streamed
 * when the caller follows the text as it comes, in one response otherwise. Retries on 429 and 5xx,
 * with backoff, are the client's (maxRetries); the caller's signal bounds the whole.
 */
export class ChatCompletionsModel implements AnswerModel {
  constructor(
    private readonly client: OpenAI,
    private readonly model: string,
  ) {}

  async generate(messages: ChatCompletionMessageParam[], opts: { signal: AbortSignal; onText?: ((delta: string) => void) | undefined }): Promise<Generation> {
    // Deterministic phrasing: the same question gets the same answer, and the cache holds.
    const body = { model: this.model, messages, response_format: FORMAT, temperature: 0 };
    let completion;
    if (opts.onText) {
      const stream = this.client.chat.completions.stream({ ...body, stream_options: { include_usage: true } }, { signal: opts.signal });
      const onText = opts.onText;
      stream.on('content.delta', (e) => onText(e.delta));
      completion = await stream.finalChatCompletion();
    } else {
      completion = await this.client.chat.completions.parse(body, { signal: opts.signal });
    }
    const choice = completion.choices[0];
    if (!choice) throw new UnreadableOutputError('no choice');
    if (choice.message.refusal) throw new UnreadableOutputError('refusal');
    const parsed = choice.message.parsed ?? (choice.message.content ? GeneratedAnswerSchema.safeParse(safeJson(choice.message.content)).data : undefined);
    if (!parsed) throw new UnreadableOutputError(choice.finish_reason ?? 'no content');
    return { answer: parsed, usage: { prompt: completion.usage?.prompt_tokens ?? 0, completion: completion.usage?.completion_tokens ?? 0 } };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
