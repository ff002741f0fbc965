import type { ConfirmationService } from '../confirmations/service';
import type { Confirmation } from '../confirmations/confirmation';
import type { Lang } from '../knowledge/analyzer';
import type { Translate } from '../knowledge/answerer';
import type { Logger } from '../logger';
import type { Clock } from '../schedule/time';
import type { UnansweredQuestionRepository } from '../questions/unanswered';
import { gatherContent, isEmpty, renderDigest, type RenderedDigest } from './content';
import type { DigestRepository, PreparedDigest } from './repository';

/** Sends a digest by email; resolves only once the SMTP server has accepted it. */
export interface EmailSender {
  send(mail: { from: string; to: readonly string[]; subject: string; text: string; html: string; messageId: string; attachments: Array<{ filename: string; content: string; contentType: string }> }): Promise<void>;
}

/** Posts a digest card to a Teams conversation; resolves only once the connector has acknowledged it. */
export interface TeamsSender {
  send(reference: Record<string, unknown>, card: Record<string, unknown>, summary: string): Promise<void>;
}

export interface DigestSettings {
  /** Organisers' addresses; no email destination when empty or when no sender is configured. */
  readonly emailTo: readonly string[];
  readonly emailFrom: string;
  readonly languages: readonly Lang[];
  readonly sendEmpty: boolean;
  /** Delay before the n-th retry: base × 2^(n-1), capped. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** This instance, for the lease. */
  readonly instanceId: string;
}

export type DestinationResult =
  | { destination: string; status: 'sent'; digestId: string; confirmations: number; cancellations: number; questions: number }
  | { destination: string; status: 'failed'; digestId: string; error: string; nextAttemptAt: string; confirmations: number; cancellations: number; questions: number }
  | { destination: string; status: 'nothing-new' }
  | { destination: string; status: 'not-due'; nextAttemptAt: string };

export interface DigestRun {
  readonly trigger: string;
  readonly status: 'done' | 'busy' | 'already-ran' | 'no-destination';
  readonly results: DestinationResult[];
}

const EMAIL = 'email';
const LEASE = 'digest';

/**
 * Builds and sends the organisers' digests, exactly once per item and destination: items are
 * assigned to a pending digest in the database, the digest is marked sent only after the SMTP server
 * or the Teams connector accepted it, a failure keeps it pending (it gathers what arrives meanwhile)
 * and is retried with backoff. A lease keeps two instances from sending at the same time.
 */
export class DigestService {
  constructor(
    private readonly deps: {
      repo: DigestRepository;
      confirmations: ConfirmationService;
      unanswered: UnansweredQuestionRepository;
      /** The questions asked of the organisers still waiting for their answer, by group. */
      openQuestions?: () => Promise<Array<{ id?: string; text: string; askers: number }>>;
      /** The Teams card's "Answer" form for an open question, when the organisers may answer from Teams. */
      answerAction?: ((lang: Lang, groupId: string) => Record<string, unknown>) | undefined;
      email?: EmailSender | undefined;
      teams?: TeamsSender | undefined;
      clock: Clock;
      t: Translate;
      logger: Logger;
      settings: DigestSettings;
    },
  ) {}

  private async destinations(): Promise<Array<{ key: string; lang: readonly Lang[]; reference?: Record<string, unknown> }>> {
    const out: Array<{ key: string; lang: readonly Lang[]; reference?: Record<string, unknown> }> = [];
    if (this.deps.email && this.deps.settings.emailTo.length) out.push({ key: EMAIL, lang: this.deps.settings.languages });
    if (this.deps.teams) for (const s of await this.deps.repo.subscriptions()) out.push({ key: `teams:${s.conversationKey}`, lang: [s.language], reference: s.conversationReference });
    return out;
  }

  /**
   * One run: "schedule" (once per tick across instances), "manual" (now), or "retry" (only pending
   * digests whose next attempt is due).
   */
  async run(trigger: 'schedule' | 'manual' | 'retry', tick?: string): Promise<DigestRun> {
    const now = this.deps.clock.now();
    const destinations = await this.destinations();
    if (!destinations.length) return { trigger, status: 'no-destination', results: [] };
    if (!(await this.deps.repo.acquireLease(LEASE, this.deps.settings.instanceId, 120_000, now))) return { trigger, status: 'busy', results: [] };
    try {
      if (trigger === 'schedule' && tick && !(await this.deps.repo.claimTick(tick, now))) return { trigger, status: 'already-ran', results: [] };
      const due = trigger === 'retry' ? new Set(await this.deps.repo.dueRetries(now)) : undefined;
      const results: DestinationResult[] = [];
      for (const d of destinations) {
        if (due && !due.has(d.key)) continue;
        results.push(await this.runDestination(d, trigger, now));
      }
      return { trigger, status: 'done', results };
    } finally {
      await this.deps.repo.releaseLease(LEASE, this.deps.settings.instanceId).catch(() => undefined);
    }
  }

  private async runDestination(d: { key: string; lang: readonly Lang[]; reference?: Record<string, unknown> }, trigger: string, now: Date): Promise<DestinationResult> {
    const prepared = await this.deps.repo.prepare(d.key, trigger, now, this.deps.settings.sendEmpty);
    if (!prepared) return { destination: d.key, status: 'nothing-new' };
    const rendered = await this.render(prepared, d.lang, now);
    const counts = { confirmations: prepared.items.confirmation.length, cancellations: prepared.items.cancellation.length, questions: prepared.items.unanswered.length };
    try {
      if (d.key === EMAIL) {
        await this.deps.email!.send({
          from: this.deps.settings.emailFrom,
          to: this.deps.settings.emailTo,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          // The same digest keeps the same Message-ID across attempts, so that a mail client shows it once.
          messageId: `<digest-${prepared.id}@participant-assistant>`,
          attachments: [{ filename: 'new-confirmations.csv', content: rendered.csv, contentType: 'text/csv; charset=utf-8' }],
        });
      } else {
        await this.deps.teams!.send(d.reference!, rendered.card, rendered.subject);
      }
      await this.deps.repo.markSent(prepared.id, this.deps.clock.now());
      this.deps.logger.info({ digest: prepared.id, destination: d.key.startsWith('teams:') ? 'teams' : d.key, ...counts }, 'digest sent');
      return { destination: d.key, status: 'sent', digestId: prepared.id, ...counts };
    } catch (e) {
      const attempt = prepared.attempts + 1;
      const delay = Math.min(this.deps.settings.retryMaxMs, this.deps.settings.retryBaseMs * 2 ** (attempt - 1));
      const next = new Date(this.deps.clock.now().getTime() + delay);
      const error = (e as Error).message ?? String(e);
      await this.deps.repo.markFailed(prepared.id, error, next);
      this.deps.logger.error({ digest: prepared.id, destination: d.key.startsWith('teams:') ? 'teams' : d.key, attempt, nextAttemptAt: next.toISOString(), err: error }, 'digest not sent; it will be retried');
      return { destination: d.key, status: 'failed', digestId: prepared.id, error, nextAttemptAt: next.toISOString(), ...counts };
    }
  }

  /** Posts future digests to this conversation (a Teams channel or chat). */
  subscribe(conversationKey: string, reference: Record<string, unknown>, language: Lang, by: string): Promise<boolean> {
    return this.deps.repo.subscribe({ conversationKey, conversationReference: reference, language, createdBy: by, now: this.deps.clock.now() });
  }

  unsubscribe(conversationKey: string): Promise<boolean> {
    return this.deps.repo.unsubscribe(conversationKey);
  }

  history() {
    return this.deps.repo.history();
  }

  /** The email digest as it would be sent now (what no sent digest holds yet), without assigning anything. */
  async preview(langs: readonly Lang[] = this.deps.settings.languages): Promise<RenderedDigest> {
    const items = await this.deps.repo.unassigned(EMAIL);
    return this.render({ id: 'preview', destination: EMAIL, attempts: 0, items }, langs, this.deps.clock.now());
  }

  private eventName(id: string, lang: Lang): string {
    const e = this.deps.confirmations.event(id);
    return e ? this.deps.confirmations.describeEvent(e, lang) : id;
  }

  private async render(p: PreparedDigest, langs: readonly Lang[], now: Date): Promise<RenderedDigest> {
    const all = await this.deps.confirmations.list();
    const byId = new Map<string, Confirmation>(all.map((c) => [c.id, c]));
    const newConfirmations = p.items.confirmation.map((id) => byId.get(id)).filter((c): c is Confirmation => !!c);
    const cancellations = p.items.cancellation.map((id) => byId.get(id.split('@')[0]!)).filter((c): c is Confirmation => !!c);
    const wanted = new Set(p.items.unanswered);
    const unanswered = (await this.deps.unanswered.list()).filter((q) => wanted.has(String(q.id)));
    const openQuestions = (await this.deps.openQuestions?.()) ?? [];
    const content = gatherContent({ now, newConfirmations, cancellations, unanswered, all, openQuestions });
    if (isEmpty(content) && !this.deps.settings.sendEmpty) this.deps.logger.warn({ digest: p.id }, 'digest items vanished (deleted data); sending what is left');
    return renderDigest(content, langs, this.deps.t, (id, lang) => this.eventName(id, lang), this.deps.answerAction);
  }
}
