import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Lang } from '../knowledge/analyzer';

/** The note's stakeholder groups (introduction), plus "other" for anyone the list leaves out. */
export const STAKEHOLDER_GROUPS = ['government', 'industry', 'academia', 'civil-society', 'financial', 'international', 'other'] as const;
export type StakeholderGroup = (typeof STAKEHOLDER_GROUPS)[number];

export const CONFIRMATION_STATUSES = ['confirmed', 'cancelled'] as const;
export type ConfirmationStatus = (typeof CONFIRMATION_STATUSES)[number];

/** Organisers' follow-up of a confirmation, as the note describes it: link sent, then test session. */
export const FOLLOW_UPS = ['new', 'registration-link-sent', 'test-session-done'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];

export const LIMITS = { name: 120, organisation: 160, email: 254, country: 80 } as const;

// Control characters are refused; the text is otherwise kept as given and escaped where it is shown.
// eslint-disable-next-line no-control-regex
const noControl = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'empty').max(max, `longer than ${max} characters`).refine(noControl, 'control characters'));

export const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;

/** What a participant gives to confirm; validated before anything is stored. */
export const ConfirmationInputSchema = z.object({
  eventId: z.string().min(1),
  name: text(LIMITS.name),
  organisation: text(LIMITS.organisation),
  email: z
    .string()
    .trim()
    .max(LIMITS.email, `longer than ${LIMITS.email} characters`)
    .regex(EMAIL, 'not an email address')
    .transform((s) => s.toLowerCase()),
  group: z.enum(STAKEHOLDER_GROUPS),
  country: text(LIMITS.country),
  sessionLanguage: z.enum(['en', 'fr']),
  chatLanguage: z.enum(['en', 'fr']),
  consent: z.literal(true, 'consent is required to store the details'),
});
export type ConfirmationInput = z.infer<typeof ConfirmationInputSchema>;

/** Who confirmed, on which channel: identifies the person for idempotence and for "delete my data". */
export interface ParticipantKey {
  readonly channelId: string;
  readonly userId: string;
  readonly aadObjectId?: string | undefined;
}

export interface HistoryEntry {
  readonly at: string;
  readonly action: 'created' | 'updated' | 'reconfirmed' | 'cancelled' | 'follow-up';
  readonly actor: string;
  readonly changes: Record<string, unknown>;
}

export interface Confirmation extends ParticipantKey {
  readonly id: string;
  readonly reference: string;
  readonly eventId: string;
  readonly name: string;
  readonly email: string;
  readonly organisation: string;
  readonly group: StakeholderGroup;
  readonly country: string;
  readonly sessionLanguage: Lang;
  readonly chatLanguage: Lang;
  readonly status: ConfirmationStatus;
  readonly followUp: FollowUp;
  /** Bot Framework conversation reference, for a later proactive follow-up. */
  readonly conversationReference: Record<string, unknown> | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly HistoryEntry[];
}

export interface RecordResult {
  readonly confirmation: Confirmation;
  /** created: a new record; updated: the same person confirmed the same event again; duplicate: the same activity again. */
  readonly outcome: 'created' | 'updated' | 'reconfirmed' | 'duplicate';
}

export interface ConfirmationFilter {
  readonly eventId?: string | undefined;
  readonly status?: ConfirmationStatus | undefined;
  readonly followUp?: FollowUp | undefined;
  readonly since?: Date | undefined;
}

/** The confirmations ledger: one contract, implemented on SQLite and on PostgreSQL. */
export interface ConfirmationRepository {
  /**
   * Records a confirmation. The same participant confirming the same event again updates the record;
   * the same activity (activityKey) processed twice records nothing twice.
   */
  record(input: ConfirmationInput, who: ParticipantKey, opts: { activityKey: string; conversationReference?: Record<string, unknown> | null; now: Date }): Promise<RecordResult>;
  get(id: string): Promise<Confirmation | undefined>;
  byReference(reference: string): Promise<Confirmation | undefined>;
  forParticipant(who: ParticipantKey): Promise<Confirmation[]>;
  list(filter?: ConfirmationFilter): Promise<Confirmation[]>;
  cancel(id: string, opts: { actor: string; now: Date }): Promise<Confirmation | undefined>;
  setFollowUp(id: string, followUp: FollowUp, opts: { actor: string; now: Date }): Promise<Confirmation | undefined>;
  /** Removes every confirmation of the participant (and their history); returns how many. */
  deleteParticipant(who: ParticipantKey): Promise<number>;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short reference a participant can quote: "UNEA-7KQ3-M2XD". */
export function newReference(): string {
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `UNEA-${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
}

/** The fields whose values differ between two versions, for the history. */
export function changedFields(before: Partial<Confirmation>, after: ConfirmationInput): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ['name', 'email', 'organisation', 'group', 'country', 'sessionLanguage', 'chatLanguage'] as const) {
    if (before[key] !== after[key]) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}
