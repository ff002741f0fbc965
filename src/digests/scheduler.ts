import { Cron } from 'croner';
import type { Logger } from '../logger';
import type { DigestService } from './service';

/**
 * Runs the digest on DIGEST_SCHEDULE (a cron expression in DIGEST_TIMEZONE), and every retry
 * interval sends again the pending digests whose next attempt is due.
 */
export class DigestScheduler {
  private job: Cron | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly service: DigestService,
    private readonly logger: Logger,
    private readonly opts: { schedule?: string | undefined; timezone: string; retryCheckMs: number },
  ) {}

  start(): void {
    if (this.opts.schedule) {
      this.job = new Cron(this.opts.schedule, { timezone: this.opts.timezone, protect: true }, async (job: Cron) => {
        const tick = (job.currentRun() ?? new Date()).toISOString();
        try {
          const run = await this.service.run('schedule', tick);
          this.logger.info({ tick, status: run.status, results: run.results.map((r) => ({ destination: r.destination.startsWith('teams:') ? 'teams' : r.destination, status: r.status })) }, 'scheduled digest');
        } catch (e) {
          this.logger.error({ err: e, tick }, 'scheduled digest failed; pending digests are retried');
        }
      });
      this.logger.info({ schedule: this.opts.schedule, timezone: this.opts.timezone, next: this.job.nextRun()?.toISOString() }, 'digest schedule');
    }
    this.retryTimer = setInterval(() => {
      this.service.run('retry').catch((e: unknown) => this.logger.error({ err: e }, 'digest retry failed'));
    }, this.opts.retryCheckMs);
    this.retryTimer.unref();
  }

  nextRun(): Date | undefined {
    return this.job?.nextRun() ?? undefined;
  }

  stop(): void {
    this.job?.stop();
    if (this.retryTimer) clearInterval(this.retryTimer);
  }
}

/** A message for a cron expression that does not parse, or undefined when it is fine. */
export function cronProblem(expr: string, timezone: string): string | undefined {
  try {
    new Cron(expr, { timezone, paused: true }).stop();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
