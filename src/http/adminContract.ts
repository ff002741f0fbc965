/**
 * The organiser and admin API's requests and responses, as JSON carries them: shared by the server
 * (src/http/admin.ts builds its answers as these types) and the organiser tab (src/web/organiser/,
 * which reads them). Types only, with no import: the browser bundle and the server compile it alike.
 */

export type Lang = 'en' | 'fr';
export type ConfirmationStatus = 'confirmed' | 'cancelled';
export type FollowUp = 'new' | 'registration-link-sent' | 'test-session-done';
export type StakeholderGroup = 'government' | 'industry' | 'academia' | 'civil-society' | 'financial' | 'international' | 'other';
export type SourceName = 'note-fr' | 'note-en' | 'schedule' | 'qa' | 'glossary' | 'golden';

/** Every follow-up step, in the order organisers take them. */
export const FOLLOW_UP_STEPS: readonly FollowUp[] = ['new', 'registration-link-sent', 'test-session-done'];
export const STATUSES: readonly ConfirmationStatus[] = ['confirmed', 'cancelled'];
export const SOURCES: readonly SourceName[] = ['note-fr', 'note-en', 'schedule', 'qa', 'glossary', 'golden'];

/** The error body of every refusal. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** GET /api/admin/confirmations (and .csv): each parameter optional. */
export interface ConfirmationQuery {
  readonly event?: string;
  readonly status?: ConfirmationStatus;
  readonly followUp?: FollowUp;
  /** An ISO date: confirmations created since. */
  readonly since?: string;
}

/** GET /api/admin/confirmations.csv also takes `lang`: labels in that language, ids in their own columns. */
export interface CsvQuery extends ConfirmationQuery {
  readonly lang?: Lang;
}

/** A confirmation as the API shows it: everything but the stored conversation reference. */
export interface ConfirmationView {
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
  readonly channelId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly hasConversationReference: boolean;
}

export interface ConfirmationList {
  readonly confirmations: readonly ConfirmationView[];
}

/** PATCH /api/admin/confirmations/:id */
export interface FollowUpChange {
  readonly followUp: FollowUp;
}
export interface FollowUpChanged {
  readonly confirmation: ConfirmationView;
}

/** GET /api/admin/events: the events of the live schedule, with their names in both languages. */
export interface EventView {
  readonly id: string;
  readonly name: Readonly<Record<Lang, string>>;
  /** The short name, capitalised as a label. */
  readonly label: Readonly<Record<Lang, string>>;
  /** Participants confirm their participation in this event. */
  readonly confirmationNeeded: boolean;
}
export interface EventList {
  /** The version of the sources the list comes from. */
  readonly version: number;
  readonly events: readonly EventView[];
}

/** GET /api/admin/unanswered */
export interface UnansweredView {
  readonly id: number;
  readonly text: string;
  readonly language: Lang;
  readonly reason: string;
  readonly askedAt: string;
}
export interface UnansweredList {
  readonly questions: readonly UnansweredView[];
}

/** GET /api/admin/feedback */
export interface FeedbackView {
  readonly id: string;
  readonly reaction: 'like' | 'dislike';
  readonly comment: string | null;
  readonly question: string | null;
  readonly answerKind: string | null;
  readonly language: Lang | null;
  readonly channelId: string;
  readonly at: string;
}
export interface FeedbackList {
  readonly feedback: readonly FeedbackView[];
}

/** GET /api/admin/usage: one UTC day of the model's use (`day` is YYYY-MM-DD), newest first. */
export interface UsageDayView {
  readonly day: string;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly reasons: Readonly<Record<string, number>>;
}
export interface UsageResponse {
  readonly generation: { readonly enabled: boolean; readonly days: readonly UsageDayView[] };
}

/** GET /api/admin/sources */
export interface SourceVersionView {
  readonly number: number;
  readonly status: 'draft' | 'published' | 'discarded';
  readonly changed: readonly SourceName[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly publishedAt: string | null;
  readonly live: boolean;
}
export interface SourcesState {
  readonly live: number;
  readonly draft: { readonly number: number; readonly changed: readonly SourceName[]; readonly problems: readonly string[]; readonly createdAt: string } | null;
  readonly versions: readonly SourceVersionView[];
}

/** PUT /api/admin/sources/:name?filename= (the file as the body) */
export interface Uploaded {
  readonly draft: number;
  readonly changed: readonly SourceName[];
  readonly problems: readonly string[];
}

/** GET /api/admin/sources/draft/preview: the golden questions answered live and by the draft. */
export interface DraftPreview {
  readonly draft: number;
  readonly live: number;
  readonly changed: readonly SourceName[];
  readonly problems: readonly string[];
  readonly publishable: boolean;
  readonly regressions: number;
  readonly questions: ReadonlyArray<{
    readonly id: string;
    readonly lang: Lang;
    readonly q: string;
    readonly live: { readonly text: string; readonly failed: readonly string[] };
    readonly draft: { readonly text: string; readonly failed: readonly string[] };
    readonly changed: boolean;
  }>;
}

/** POST /api/admin/sources/draft/publish and /sources/rollback */
export interface LiveVersion {
  readonly live: number;
}
export interface RollbackRequest {
  readonly version: number;
}
/** DELETE /api/admin/sources/draft */
export interface Discarded {
  readonly discarded: boolean;
}

/** POST /api/admin/digest: what was sent where. */
export type DigestDestinationResult =
  | { readonly destination: string; readonly status: 'sent'; readonly digestId: string; readonly confirmations: number; readonly cancellations: number; readonly questions: number }
  | { readonly destination: string; readonly status: 'failed'; readonly digestId: string; readonly error: string; readonly nextAttemptAt: string; readonly confirmations: number; readonly cancellations: number; readonly questions: number }
  | { readonly destination: string; readonly status: 'nothing-new' }
  | { readonly destination: string; readonly status: 'not-due'; readonly nextAttemptAt: string };
export interface DigestRunResult {
  readonly trigger: string;
  /** "no-destination": neither email (SMTP_URL and ORGANISER_EMAILS) nor a Teams conversation is set up. */
  readonly status: 'done' | 'busy' | 'already-ran' | 'no-destination';
  readonly results: readonly DigestDestinationResult[];
}

/** GET /api/admin/questions: participants' questions for the organisers, grouped by meaning, the most asked first. */
export interface QuestionGroupView {
  readonly id: string;
  /** The first asker's wording. */
  readonly text: string;
  readonly language: Lang;
  readonly status: 'open' | 'answered';
  readonly createdAt: string;
  /** How many participants asked it. */
  readonly askers: number;
  readonly questions: ReadonlyArray<{ readonly text: string; readonly language: Lang; readonly askedAt: string }>;
  readonly answer: { readonly en: string; readonly fr: string; readonly answeredBy: string; readonly answeredAt: string; readonly taughtAt: string | null } | null;
  /** Answers brought back to askers, and those still on their way. */
  readonly deliveries: { readonly pending: number; readonly sent: number };
}
export interface QuestionGroupList {
  readonly groups: readonly QuestionGroupView[];
}

/** POST /api/admin/questions/:id/answer: both languages are needed (code MISSING_LANGUAGE otherwise). */
export interface AnswerRequest {
  readonly en: string;
  readonly fr: string;
}
export interface AnswerSaved {
  readonly group: QuestionGroupView;
}

/** POST /api/admin/questions/:id/teach: the answer as a Q&A pair in the sources' draft. */
export interface Taught {
  readonly draft: number;
  readonly pairId: string;
}
