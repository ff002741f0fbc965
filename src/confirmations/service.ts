import type { Lang } from '../knowledge/analyzer';
import type { Translate } from '../knowledge/answerer';
import type { Schedule, ScheduledEvent } from '../schedule/schedule';
import { describeWhen, timing, type Clock } from '../schedule/time';
import {
  ConfirmationInputSchema,
  type Confirmation,
  type ConfirmationFilter,
  type ConfirmationRepository,
  type FollowUp,
  type ParticipantKey,
  type RecordResult,
  type StakeholderGroup,
} from './confirmation';

/** What the participant has given so far; every field optional until the summary is accepted. */
export interface ConfirmationDraft {
  eventId?: string;
  name?: string;
  organisation?: string;
  email?: string;
  group?: StakeholderGroup;
  country?: string;
  sessionLanguage?: Lang;
  consent?: boolean;
}

export class InvalidConfirmationError extends Error {
  constructor(readonly problems: Array<{ field: string; message: string }>) {
    super(`invalid confirmation: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidConfirmationError';
  }
}

/** The email the note asks participants to send, prepared in their language. */
export interface PreparedEmail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly mailto: string;
}

/**
 * Confirming participation, as the note describes it: which events need it, recording it in the
 * ledger, and the email to the organisers. Knows nothing of botbuilder.
 */
export class ConfirmationService {
  constructor(
    private readonly repo: ConfirmationRepository,
    private readonly schedule: () => Schedule,
    private readonly clock: Clock,
    private readonly t: Translate,
  ) {}

  /** Events a participant can confirm, with what to flag: past, by invitation only. */
  confirmableEvents(): Array<{ event: ScheduledEvent; past: boolean }> {
    const s = this.schedule();
    return s.events.filter((e) => e.confirmationNeeded).map((event) => ({ event, past: timing(event.when, s.timezone, this.clock.now()).state === 'past' }));
  }

  organisers(): readonly string[] {
    return this.schedule().organisers;
  }

  event(id: string | undefined): ScheduledEvent | undefined {
    return this.schedule().events.find((e) => e.id === id);
  }

  describeEvent(event: ScheduledEvent, lang: Lang): string {
    return `${event.short[lang]} (${describeWhen(event.when, this.schedule().timezone, lang)})`;
  }

  async record(draft: ConfirmationDraft, who: ParticipantKey, opts: { chatLanguage: Lang; activityKey: string; conversationReference?: Record<string, unknown> | null }): Promise<RecordResult> {
    const parsed = ConfirmationInputSchema.safeParse({ ...draft, chatLanguage: opts.chatLanguage });
    if (!parsed.success) throw new InvalidConfirmationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
    if (!this.event(parsed.data.eventId)?.confirmationNeeded) throw new InvalidConfirmationError([{ field: 'eventId', message: 'not an event to confirm' }]);
    return this.repo.record(parsed.data, who, { activityKey: opts.activityKey, conversationReference: opts.conversationReference ?? null, now: this.clock.now() });
  }

  forParticipant(who: ParticipantKey): Promise<Confirmation[]> {
    return this.repo.forParticipant(who);
  }

  list(filter?: ConfirmationFilter): Promise<Confirmation[]> {
    return this.repo.list(filter);
  }

  setFollowUp(id: string, followUp: FollowUp, actor: string): Promise<Confirmation | undefined> {
    return this.repo.setFollowUp(id, followUp, { actor, now: this.clock.now() });
  }

  cancel(id: string, actor: string): Promise<Confirmation | undefined> {
    return this.repo.cancel(id, { actor, now: this.clock.now() });
  }

  deleteParticipant(who: ParticipantKey): Promise<number> {
    return this.repo.deleteParticipant(who);
  }

  /** The email to both organisers, subject and body in the participant's language, and its mailto: link. */
  prepareEmail(c: Pick<Confirmation, 'eventId' | 'name' | 'organisation' | 'email' | 'group' | 'country' | 'sessionLanguage' | 'reference'>, lang: Lang): PreparedEmail {
    const event = this.event(c.eventId);
    const to = this.schedule().organisers;
    const eventText = event ? this.describeEvent(event, lang) : c.eventId;
    const subject = this.t(lang, 'confirm.email.subject', { event: event?.short[lang] ?? c.eventId, name: c.name });
    const body = this.t(lang, 'confirm.email.body', {
      event: eventText,
      name: c.name,
      organisation: c.organisation,
      group: this.t(lang, `groups.${c.group}`),
      country: c.country,
      email: c.email,
      language: this.t(lang, `languages.${c.sessionLanguage}`),
      reference: c.reference,
    });
    const enc = (s: string) => encodeURIComponent(s).replace(/[()'!*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
    const mailto = `mailto:${to.join(',')}?subject=${enc(subject)}&body=${enc(body)}`;
    return { to, subject, body, mailto };
  }
}
