import type { Lang } from '../vocabulary';

/** What the bot remembers about a participant across conversations. */
export interface UserProfile {
  /** Language the participant asked for explicitly ("in English please"); wins over detection. */
  language?: Lang;
  /** Last time zone a channel reported for the participant. */
  timezone?: string;
}

/** What the bot remembers of a conversation, for follow-up questions. */
export interface ConversationMemory {
  lastQuestion?: string;
  lastLang?: Lang;
  eventIds: string[];
  sectionId?: string;
  /** What the last question asked for (date, time …), for "and the forum?". */
  needs?: string[];
  citedPassages: string[];
  /** Language of the dialog in progress, so that its prompts understand the answers. */
  dialogLang?: Lang;
  /** The last answers, so that a thumbs up or down can say which question it was about. */
  answers?: Array<{ keys: string[]; question: string; kind: string; lang: Lang }>;
  /** "Say original to see the French text" has been offered: once per conversation is enough. */
  originalOffered?: boolean;
  /**
   * Each participant's last question the sources did not answer, by user id: what their "Ask the
   * organisers" sends. By user, as a group chat or channel is one conversation for all its members.
   */
  unansweredBy?: Record<string, { question: string; lang: Lang }>;
}

export const emptyMemory = (): ConversationMemory => ({ eventIds: [], citedPassages: [] });
