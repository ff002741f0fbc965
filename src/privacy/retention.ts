import type { Logger } from '../logger';
import type { Clock } from '../schedule/time';

/** Deletes what a store holds from before the date; resolves with how many items went. */
export type Purge = (before: Date) => Promise<number>;

export interface RetentionOptions {
  /** How long data is kept, in days. */
  readonly days: number;
  /** How often the purge runs, in milliseconds (default: every hour). */
  readonly intervalMs?: number;
}

const DAY_MS = 24 * 3600_000;

/**
 * Keeps stored data no longer than the retention period: each store registers how to purge itself
 * (unanswered questions, feedback; web-chat transcripts later), and one small periodic job runs
 * them all, at start and then every interval. A store whose purge fails is reported and tried at
 * the next run; the others still run. Several instances may purge at once: deleting is idempotent.
 */
export class Retention {
  private readonly purges = new Map<string, Purge>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Record<string, number>> | undefined;

  constructor(
    private readonly options: RetentionOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    if (!(options.days > 0)) throw new Error('retention: days must be positive');
  }

  /** Adds a store's purge under a name (for the logs); a second registration under the name replaces the first. */
  register(name: string, purge: Purge): void {
    this.purges.set(name, purge);
  }

  /** The oldest moment still kept. */
  cutoff(): Date {
    return new Date(this.clock.now().getTime() - this.options.days * DAY_MS);
  }

  /** Runs every purge once; resolves with how many items each deleted (failed ones are left out). */
  purgeNow(): Promise<Record<string, number>> {
    // One run at a time: a slow database must not pile runs up.
    this.running ??= this.runAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runAll(): Promise<Record<string, number>> {
    const before = this.cutoff();
    const deleted: Record<string, number> = {};
    for (const [name, purge] of this.purges) {
      try {
        deleted[name] = await purge(before);
      } catch (err) {
        this.logger.error({ err, store: name }, 'retention purge failed; it will be tried again');
      }
    }
    if (Object.values(deleted).some((n) => n > 0)) this.logger.info({ deleted, before: before.toISOString() }, 'retention purge');
    return deleted;
  }

  start(): void {
    if (this.timer) return;
    void this.purgeNow();
    this.timer = setInterval(() => void this.purgeNow(), this.options.intervalMs ?? 3600_000);
    this.timer.unref();
  }

  /** Stops the job; resolves once a run under way has finished, so that the database can be closed. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
