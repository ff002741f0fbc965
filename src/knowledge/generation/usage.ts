import type { Sql } from '../../storage/sql';
import type { TokenUsage } from './model';

/** What became of one question sent (or not) to the model. */
export type Outcome = 'shown' | 'blocked' | 'declined' | 'fallback' | 'cached' | 'limited';

export interface UsageEvent {
  readonly at: Date;
  readonly outcome: Outcome;
  readonly tokens?: TokenUsage | undefined;
  /** Why the guard blocked the answer, or why the call failed ("timeout", "http-429" …). */
  readonly reasons?: readonly string[] | undefined;
}

/** One UTC day of the model's use, for the organisers. */
export interface UsageDay {
  readonly day: string;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** Guard blocks and failed calls, by reason. */
  readonly reasons: Readonly<Record<string, number>>;
}

/**
 * Tokens and outcomes per day, in the database, so that every instance counts into the same day
 * and the daily limit holds across them. The tables are this feature's own, created on first use
 * (the statements are the same on SQLite and PostgreSQL).
 */
export class UsageRepository {
  private ready: Promise<void> | undefined;

  constructor(private readonly sql: Sql) {}

  private ensure(): Promise<void> {
    this.ready ??= (async () => {
      await this.sql.run(`CREATE TABLE IF NOT EXISTS generation_usage (
        day TEXT NOT NULL, outcome TEXT NOT NULL, count INTEGER NOT NULL, requests INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
        PRIMARY KEY (day, outcome))`);
      await this.sql.run('CREATE TABLE IF NOT EXISTS generation_reasons (day TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, reason))');
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  async record(e: UsageEvent): Promise<void> {
    await this.ensure();
    const day = e.at.toISOString().slice(0, 10);
    // A cached answer or a refused call costs no request.
    const requests = e.outcome === 'cached' || e.outcome === 'limited' ? 0 : 1;
    await this.sql.tx(async (sql) => {
      await sql.run(
        `INSERT INTO generation_usage (day, outcome, count, requests, prompt_tokens, completion_tokens) VALUES (?, ?, 1, ?, ?, ?)
         ON CONFLICT (day, outcome) DO UPDATE SET count = generation_usage.count + 1, requests = generation_usage.requests + excluded.requests,
           prompt_tokens = generation_usage.prompt_tokens + excluded.prompt_tokens, completion_tokens = generation_usage.completion_tokens + excluded.completion_tokens`,
        [day, e.outcome, requests, e.tokens?.prompt ?? 0, e.tokens?.completion ?? 0],
      );
      for (const reason of new Set(e.reasons ?? [])) {
        await sql.run('INSERT INTO generation_reasons (day, reason, count) VALUES (?, ?, 1) ON CONFLICT (day, reason) DO UPDATE SET count = generation_reasons.count + 1', [day, reason.slice(0, 64)]);
      }
    });
  }

  /** A failure outside the answer's own call (the embedding service): counted by reason on its day. */
  async recordReason(at: Date, reason: string): Promise<void> {
    await this.ensure();
    await this.sql.run('INSERT INTO generation_reasons (day, reason, count) VALUES (?, ?, 1) ON CONFLICT (day, reason) DO UPDATE SET count = generation_reasons.count + 1', [at.toISOString().slice(0, 10), reason.slice(0, 64)]);
  }

  /** Prompt and completion tokens used on the UTC day of the date. */
  async tokensOn(at: Date): Promise<number> {
    await this.ensure();
    const row = await this.sql.get<{ total: number | string | null }>('SELECT SUM(prompt_tokens + completion_tokens) AS total FROM generation_usage WHERE day = ?', [at.toISOString().slice(0, 10)]);
    return Number(row?.total ?? 0);
  }

  /** The last days of use, newest first. */
  async days(limit = 31): Promise<UsageDay[]> {
    await this.ensure();
    const rows = await this.sql.all<{ day: string; outcome: Outcome; count: number | string; requests: number | string; prompt_tokens: number | string; completion_tokens: number | string }>(
      'SELECT day, outcome, count, requests, prompt_tokens, completion_tokens FROM generation_usage WHERE day IN (SELECT DISTINCT day FROM generation_usage ORDER BY day DESC LIMIT ?)',
      [limit],
    );
    const reasons = await this.sql.all<{ day: string; reason: string; count: number | string }>('SELECT day, reason, count FROM generation_reasons WHERE day >= ?', [rows.reduce((min, r) => (r.day < min ? r.day : min), '9999')]);
    const byDay = new Map<string, { requests: number; promptTokens: number; completionTokens: number; outcomes: Record<Outcome, number>; reasons: Record<string, number> }>();
    for (const r of rows) {
      const d = byDay.get(r.day) ?? { requests: 0, promptTokens: 0, completionTokens: 0, outcomes: { shown: 0, blocked: 0, declined: 0, fallback: 0, cached: 0, limited: 0 }, reasons: {} };
      d.requests += Number(r.requests);
      d.promptTokens += Number(r.prompt_tokens);
      d.completionTokens += Number(r.completion_tokens);
      d.outcomes[r.outcome] = Number(r.count);
      byDay.set(r.day, d);
    }
    for (const r of reasons) {
      const d = byDay.get(r.day);
      if (d) d.reasons[r.reason] = Number(r.count);
    }
    return [...byDay].sort(([a], [b]) => b.localeCompare(a)).map(([day, d]) => ({ day, ...d }));
  }
}
