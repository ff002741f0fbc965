/**
 * Turns of one conversation, one after the other. A channel posts the next message as soon as the
 * participant sends it, and the built-in Direct Line runs a turn after answering the post: without
 * an order, a quick "yes" after a question could be read against the state as it was before the
 * question's turn had saved it, and be taken for a new question. Each turn therefore waits for the
 * previous turn of its conversation to end (state saved) — but never longer than `maxWaitMs`, so
 * that a turn stuck on a channel cannot hold the conversation. Conversations do not wait for each
 * other; nothing is kept for a conversation with no turn running.
 */
export class TurnOrder {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxWaitMs: number) {}

  /** Runs `turn` after the turns of `key` that came before it (or after `maxWaitMs`), and resolves as it does. */
  async run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.tails.set(key, mine);
    try {
      if (previous) await bounded(previous, this.maxWaitMs);
      return await turn();
    } finally {
      done();
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }

  /** How many conversations have a turn running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}

function bounded(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()))]).finally(() => clearTimeout(timer));
}
