import type { Activity, ResourceResponse, TurnContext } from 'botbuilder';

/** Where a reply is shown as it is written: Teams one-to-one chats, and Web Chat (4.18 reads the same activities). */
export function canStream(activity: Partial<Activity>): boolean {
  if (activity.deliveryMode === 'expectReplies') return false;
  if (activity.channelId === 'msteams') return activity.conversation?.conversationType === 'personal';
  return activity.channelId === 'directline';
}

type StreamType = 'informative' | 'streaming' | 'final';

/**
 * One reply shown as it is written, in the streaming protocol Teams and Web Chat share: typing
 * activities carrying a `streaminfo` entity (and the same fields in channelData, which Web Chat
 * reads) — an informative update, then the cumulative text with an increasing `streamSequence` —
 * then the final message. The first send's id is the stream's id, repeated in every later activity's
 * streaminfo (botbuilder drops an outgoing activity's own id, so the entity is what channels read).
 * Sends go one after another and at most one per `intervalMs` (Teams throttles faster streams).
 */
export class StreamingReply {
  private streamId: string | undefined;
  private sequence = 1;
  private lastSentAt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly context: TurnContext,
    private readonly intervalMs: number,
  ) {}

  /** Whether anything was sent: then only `end` may close what the participant sees. */
  get started(): boolean {
    return this.sequence > 1;
  }

  /** The id the channel gave the stream (its first activity), once known. */
  get id(): string | undefined {
    return this.streamId;
  }

  /** "Looking in the note…": shown while the answer is being made. Never waits for the channel. */
  inform(text: string): void {
    void this.send({ type: 'typing', text }, 'informative').catch(() => undefined);
  }

  /** The text so far, in growing pieces: the whole of it by the last one. */
  async write(pieces: readonly string[]): Promise<void> {
    let text = '';
    for (const piece of pieces) {
      text = text ? `${text} ${piece}` : piece;
      await this.send({ type: 'typing', text }, 'streaming');
    }
  }

  /** The final message closes the stream; it replaces everything the stream showed. */
  async end(message: Partial<Activity>): Promise<ResourceResponse | undefined> {
    this.ended = true;
    return this.send(message, 'final');
  }

  private send(activity: Partial<Activity>, streamType: StreamType): Promise<ResourceResponse | undefined> {
    if (this.ended && streamType !== 'final') return Promise.resolve(undefined);
    const next = this.queue.then(async () => {
      const wait = this.lastSentAt + this.intervalMs - Date.now();
      if (this.lastSentAt && wait > 0) await new Promise((r) => setTimeout(r, wait));
      const info: Record<string, unknown> = { streamType, ...(streamType === 'final' ? {} : { streamSequence: this.sequence++ }), ...(this.streamId ? { streamId: this.streamId } : {}) };
      const out: Partial<Activity> = {
        ...activity,
        channelData: { ...(activity.channelData as Record<string, unknown> | undefined), ...info },
        entities: [{ type: 'streaminfo', ...info }, ...(activity.entities ?? [])],
      };
      const sent = await this.context.sendActivity(out);
      this.lastSentAt = Date.now();
      this.streamId ??= sent?.id;
      return sent;
    });
    // A failed informative update must not stop the final message.
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** An answer cut into at most `max` growing pieces, at sentence ends. */
export function piecesOf(text: string, max = 3): string[] {
  const sentences = text.split(/(?<=[.!?…])\s+/u).filter(Boolean);
  const size = Math.ceil(sentences.length / max);
  const pieces: string[] = [];
  for (let i = 0; i < sentences.length; i += size) pieces.push(sentences.slice(i, i + size).join(' '));
  return pieces;
}
