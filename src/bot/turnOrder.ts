import { createHash, randomUUID } from 'node:crypto';
import type { Sql } from '../storage/sql';

/** What the order reports: a lease not taken, renewed or given back, or a previous turn that took too long. */
export type TurnOrderTrouble = 'take' | 'renew' | 'give back' | 'wait';

export interface TurnOrderOptions {
  /** The longest a turn waits for the previous one of its conversation to end (and, apart, for its lease). */
  readonly maxWaitMs: number;
  readonly onError: (err: unknown, trouble: TurnOrderTrouble) => void;
  /** With instances sharing a database: the conversations' leases in it. */
  readonly leases?: Pick<TurnLeases, 'acquire' | 'renew' | 'release'> | undefined;
}

/** A turn in the queue: it started (it waited no longer), it ended (its state is saved). */
interface Slot {
  readonly started: Promise<void>;
  readonly ended: Promise<void>;
}

/**
 * Turns of one conversation, one after the other. A channel posts the next message as soon as the
 * participant sends it, and the built-in Direct Line runs a turn after answering the post: without
 * an order, a quick "yes" after a question could be read against the state as it was before the
 * question's turn had saved it, and be taken for a new question.
 *
 * Each turn therefore waits for the previous turn of its conversation to end: in this process through
 * a queue, and — when instances share a database — through a lease on the conversation in that
 * database, renewed while the turn runs, since the next message may reach another instance.
 *
 * A turn never waits longer than `maxWaitMs` once the turn before it has started (and as long again,
 * at most, for the lease), so that a turn stuck on a channel or an instance that died holding a lease
 * cannot hold the conversation; the next one then runs and the wait is reported. If the database
 * cannot be asked, the turn runs and the failure is reported. Conversations do not wait for each
 * other; nothing is kept in memory for a conversation with no turn running.
 */
export class TurnOrder {
  private readonly tails = new Map<string, Slot>();

  constructor(private readonly options: TurnOrderOptions) {}

  /** Runs `turn` after the turns of `key` that came before it, and resolves as it does. */
  async run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const started = deferred();
    const ended = deferred();
    const slot: Slot = { started: started.promise, ended: ended.promise };
    this.tails.set(key, slot);
    let lease: Held | undefined;
    try {
      if (previous) await this.after(previous);
      lease = await this.take(key);
      started.resolve();
      return await turn();
    } finally {
      started.resolve();
      await lease?.giveBack();
      ended.resolve();
      if (this.tails.get(key) === slot) this.tails.delete(key);
    }
  }

  /** How many conversations have a turn running or waiting in this process. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves once every turn running or waiting now has ended, or after `ms`. */
  async idle(ms: number): Promise<void> {
    await within(Promise.all([...this.tails.values()].map((s) => s.ended)), ms);
  }

  /** Waits for the previous turn: for it to start, then at most maxWaitMs for it to end. */
  private async after(previous: Slot): Promise<void> {
    await previous.started;
    if (!(await within(previous.ended, this.options.maxWaitMs))) {
      this.options.onError(new Error(`the previous turn of the conversation had not ended after ${this.options.maxWaitMs} ms`), 'wait');
    }
  }

  /** The conversation's lease in the shared database, asked for again and again until maxWaitMs; undefined without. */
  private async take(key: string): Promise<Held | undefined> {
    const { leases, maxWaitMs, onError } = this.options;
    if (!leases) return undefined;
    const holder = randomUUID();
    const deadline = Date.now() + maxWaitMs;
    try {
      for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
        const asked = leases.acquire(key, holder, maxWaitMs);
        const got = await within(asked, Math.max(0, deadline - Date.now()));
        if (got === undefined) {
          // The database did not answer in time: should it grant the lease later, it is given back at once.
          void asked.then((late) => (late ? leases.release(key, holder) : undefined)).catch(() => undefined);
          throw new Error(`the database did not answer within ${maxWaitMs} ms`);
        }
        if (got.value) return this.hold(key, holder);
        const left = deadline - Date.now();
        if (left <= 0) {
          onError(new Error(`another instance's turn still held the conversation after ${maxWaitMs} ms`), 'wait');
          return undefined;
        }
        await new Promise((r) => setTimeout(r, Math.min(pause, left)));
      }
    } catch (err) {
      onError(err, 'take');
      return undefined;
    }
  }

  /** Keeps the lease while the turn runs (renewed at a third of its life), and gives it back at the end. */
  private hold(key: string, holder: string): Held {
    const { leases, maxWaitMs, onError } = this.options;
    const renewal = setInterval(() => {
      leases!.renew(key, holder, maxWaitMs).then(
        (kept) => kept || onError(new Error('the lease had run out and was taken by another turn'), 'renew'),
        (err: unknown) => onError(err, 'renew'),
      );
    }, Math.max(1, Math.floor(maxWaitMs / 3))).unref();
    return {
      giveBack: async () => {
        clearInterval(renewal);
        // Given back within a second, or left to run out: the next turn is not held by a slow database.
        const given = leases!.release(key, holder).catch((err: unknown) => onError(err, 'give back'));
        await within(given, Math.min(1000, maxWaitMs));
      },
    };
  }
}

interface Held {
  giveBack(): Promise<void>;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The promise's outcome, or undefined when it has not settled within `ms` (a rejection rejects). */
async function within<T>(p: Promise<T>, ms: number): Promise<{ readonly value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms).unref()));
  try {
    return await Promise.race([p.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The turn order's table, on PostgreSQL: which turn holds a conversation, until when (by the
 * database's clock, the one all instances share). One SQLite file serves one process, whose queue
 * suffices: no table there.
 */
export const TURN_LEASES_MIGRATION = {
  id: 12,
  name: 'turn order between instances',
  sql: {
    postgres: 'CREATE TABLE turn_leases (conversation_key TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL);',
    sqlite: '-- one process per SQLite file: its turns are ordered in memory',
  },
} as const;

/** Leases on conversations in the PostgreSQL database the instances share: one turn holds one at a time. */
export class TurnLeases {
  constructor(private readonly sql: Sql) {
    if (sql.dialect !== 'postgres') throw new Error('turn leases order instances on a shared PostgreSQL database');
  }

  /** Takes the conversation for ttlMs unless another turn holds it; true when this holder has it now. */
  async acquire(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO turn_leases (conversation_key, holder, expires_at) VALUES (?, ?, now() + make_interval(secs => ?))
       ON CONFLICT (conversation_key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE turn_leases.expires_at < now()`,
      [leaseKey(key), holder, ttlMs / 1000],
    );
    return changed > 0;
  }

  /** Keeps the holder's lease for ttlMs more; false when it is no longer theirs. */
  async renew(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.sql.run('UPDATE turn_leases SET expires_at = now() + make_interval(secs => ?) WHERE conversation_key = ? AND holder = ?', [ttlMs / 1000, leaseKey(key), holder])) > 0;
  }

  async release(key: string, holder: string): Promise<void> {
    await this.sql.run('DELETE FROM turn_leases WHERE conversation_key = ? AND holder = ?', [leaseKey(key), holder]);
  }

  /** Forgets leases that ran out (left by an instance that stopped during a turn). */
  async purge(): Promise<number> {
    return this.sql.run('DELETE FROM turn_leases WHERE expires_at < now()');
  }
}

/** A conversation's key as stored: fixed length, whatever the channel's ids hold. */
const leaseKey = (key: string): string => createHash('sha256').update(key).digest('base64url');
