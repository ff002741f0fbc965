import type { Lang } from './analyzer';
import type { ScheduledEvent } from '../schedule/schedule';

export type { Translate } from '../vocabulary';

export interface Citation {
  readonly passageId: string;
  readonly sectionId: string;
  /** "information note, §3 Proposed schedule …" in the answer's language. */
  readonly label: string;
  readonly excerpt: string;
  readonly lang: Lang;
}

export interface Answer {
  readonly kind: 'schedule' | 'qa' | 'passage' | 'abstain';
  readonly lang: Lang;
  /** The direct answer: its first sentence answers; Markdown. */
  readonly text: string;
  readonly citations: Citation[];
  /** Next things the participant may want to ask, in the answer's language. */
  readonly suggestions: string[];
  /** Events the answer is about: the context for a follow-up question. */
  readonly eventIds: string[];
  readonly sectionId?: string;
  /** What the question asked for (a date, a time …): the context for "and the forum?". */
  readonly needs?: string[];
  /** Why the sources could not answer (abstentions and partial answers). */
  readonly reason?: 'unknown-words' | 'no-match' | 'partial';
  /** The note answers part of the question: the rest is said to be missing, with the organisers' addresses. */
  readonly partial?: boolean;
  /** The cited passages already say everything the text says: quoting them would repeat it. */
  readonly quoteAdds?: boolean;
  /** A model phrased the text (the grounding guard let it through): shown with the "AI generated" label. */
  readonly generated?: boolean;
}

/** What the bot asks of the knowledge: an answer, the events a text names, citations. */
export interface AnswerSource {
  /** At once from the sources; a model that phrases answers makes it a promise. */
  answer(question: string, ctx: QuestionContext): Answer | Promise<Answer>;
  eventsNamedIn(text: string): ScheduledEvent[];
  eventsById(ids: readonly string[]): ScheduledEvent[];
  cite(passageId: string, lang: Lang): Citation;
}

/** What the conversation so far tells about a new question. */
export interface QuestionContext {
  readonly lang: Lang;
  /** The participant's zone as the channel reports it (IANA name). */
  readonly timezone?: string | undefined;
  readonly previous?:
    | {
        readonly eventIds: readonly string[];
        readonly sectionId?: string | undefined;
        readonly needs?: readonly string[] | undefined;
        /** The previous question itself, for "and for Africa?" after a question the note could not answer. */
        readonly question?: string | undefined;
      }
    | undefined;
  /** Called when a model is about to be asked (not for a cached or extractive answer): the channel may say so. */
  readonly onModelCall?: (() => void) | undefined;
}
