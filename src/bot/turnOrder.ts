import { randomUUID } from 'node:crypto';
import type { Sql } from '../storage/sql';

/**
 * Turns of one conversation, one after the other. A channel posts the next message as soon as the
 * participant sends it, and the built-in Direct Line runs a turn after answering the post: without
 * an order, a quick "yes" after a question could be read against the state as it was before the
 * question's turn had saved it, and be taken for a new question.
 *
 * Each turn therefore waits for the previous turn of its conversation to end (state saved): in this
 * process through a chain of promises, and — when instances share a database — through a lease on
 * the conversation in that database, since the next message may reach another instance. A turn
 * never waits longer than `maxWaitMs` in all, so that a turn stuck on a channel (or an instance that
 * died holding a lease) cannot hold the conversation; if the database cannot be asked, the turn runs
 * and the failure is reported. Conversations do not wait for each other; nothing is kept in memory
 * for a conversation with no turn running.
 */
export class TurnOrder {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly maxWaitMs: number,
    private readonly lease?: { readonly leases: Pick<TurnLeases, 'acquire' | 'release'>; readonly onError: (err: unknown, action: 'take' | 'give back' | 'wait') => void },
  ) {}

  /** Runs `turn` after the turns of `key` that came before it (or after `maxWaitMs`), and resolves as it does. */
  async run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.maxWaitMs;
    const previous = this.tails.get(key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.tails.set(key, mine);
    let holder: string | undefined;
    try {
      if (previous) await bounded(previous, this.maxWaitMs);
      holder = await this.take(key, deadline);
      return await turn();
    } finally {
      if (holder) await this.lease!.leases.release(key, holder).catch((err: unknown) => this.lease!.onError(err, 'give back'));
      done();
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }

  /** How many conversations have a turn running or waiting in this process. */
  get size(): number {
    return this.tails.size;
  }

  /** The conversation's lease in the shared database, asked for again and again until the deadline; undefined without. */
  private async take(key: string, deadline: number): Promise<string | undefined> {
    if (!this.lease) return undefined;
    const holder = randomUUID();
    try {
      for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
        if (await this.lease.leases.acquire(key, holder, this.maxWaitMs)) return holder;
        const left = deadline - Date.now();
        if (left <= 0) {
          this.lease.onError(new Error(`the previous turn of the conversation still held it after ${this.maxWaitMs} ms`), 'wait');
          return undefined;
        }
        await new Promise((r) => setTimeout(r, Math.min(pause, left)));
      }
    } catch (err) {
      this.lease.onError(err, 'take');
      return undefined;
    }
  }
}

function bounded(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()))]).finally(() => clearTimeout(timer));
}

/** The turn order's table: which turn holds a conversation, until when (ISO time). */
export const TURN_LEASES_SCHEMA = `CREATE TABLE turn_leases (conversation_key TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);`;

/** Leases on conversations in the database the instances share: one turn holds one at a time. */
export class TurnLeases {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the conversation for ttlMs unless another turn holds it; true when this holder has it now. */
  async acquire(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const changed = await this.sql.run(
      `INSERT INTO turn_leases (conversation_key, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE turn_leases.expires_at < ?`,
      [key, holder, new Date(now + ttlMs).toISOString(), new Date(now).toISOString()],
    );
    return changed > 0;
  }

  async release(key: string, holder: string): Promise<void> {
    await this.sql.run('DELETE FROM turn_leases WHERE conversation_key = ? AND holder = ?', [key, holder]);
  }

  /** Forgets leases that ran out (left by an instance that stopped during a turn). */
  async purge(): Promise<number> {
    return this.sql.run('DELETE FROM turn_leases WHERE expires_at < ?', [new Date(this.now()).toISOString()]);
  }
}
