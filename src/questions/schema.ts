import type { Migration } from '../storage/migration';

/**
 * The log of unanswered questions, as released (id 2): kept exactly so on existing databases. Its
 * id column differs by dialect, hence the PostgreSQL text beside the SQLite one.
 */
const UNANSWERED_SQLITE = `CREATE TABLE unanswered_questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            text TEXT NOT NULL,
            language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
            reason TEXT NOT NULL,
            asked_at TEXT NOT NULL
          );
          CREATE INDEX unanswered_questions_asked_at ON unanswered_questions (asked_at);`;
const UNANSWERED_POSTGRES = `CREATE TABLE unanswered_questions (
            id BIGSERIAL PRIMARY KEY,
            text TEXT NOT NULL,
            language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
            reason TEXT NOT NULL,
            asked_at TIMESTAMPTZ NOT NULL);
          CREATE INDEX unanswered_questions_asked_at ON unanswered_questions (asked_at)`;

/** Questions participants asked the organisers, grouped by meaning; timestamps as ISO text. */
const QUESTIONS_SCHEMA = `
  CREATE TABLE question_groups (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    terms TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    created_at TEXT NOT NULL);
  CREATE INDEX question_groups_status ON question_groups (status);
  CREATE TABLE asked_questions (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES question_groups (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    conversation_reference TEXT NOT NULL,
    email TEXT,
    asked_at TEXT NOT NULL);
  CREATE INDEX asked_questions_group ON asked_questions (group_id);
  CREATE INDEX asked_questions_participant ON asked_questions (channel_id, user_id);`;

/** The organisers' answers, and one delivery row per asker: the ledger that makes delivery happen once. */
const ANSWERS_SCHEMA = `
  CREATE TABLE question_answers (
    group_id TEXT PRIMARY KEY REFERENCES question_groups (id) ON DELETE CASCADE,
    answer_en TEXT NOT NULL,
    answer_fr TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    taught_at TEXT);
  CREATE TABLE question_deliveries (
    asked_id TEXT PRIMARY KEY REFERENCES asked_questions (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
    via TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    sent_at TEXT);
  CREATE INDEX question_deliveries_due ON question_deliveries (status, next_attempt_at);`;

/**
 * The "new question" cards posted to the organisers' Teams conversations, one row per group and
 * conversation: what the card shows, the activity to update once answered, and when to try again
 * (due_at NULL: nothing to do). And the language each asker wants the answer in, which may differ
 * from the language of their question (they switched languages while sending it).
 */
const CARDS_SCHEMA = `
  CREATE TABLE question_cards (
    group_id TEXT NOT NULL REFERENCES question_groups (id) ON DELETE CASCADE,
    conversation_key TEXT NOT NULL,
    conversation_reference TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    activity_id TEXT,
    shown TEXT NOT NULL DEFAULT 'none' CHECK (shown IN ('none', 'open', 'answered')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    due_at TEXT,
    claimed_until TEXT,
    PRIMARY KEY (group_id, conversation_key));
  CREATE INDEX question_cards_due ON question_cards (due_at);
  ALTER TABLE asked_questions ADD COLUMN answer_language TEXT CHECK (answer_language IN ('en', 'fr'));`;

export const QUESTION_MIGRATIONS: readonly Migration[] = [
  { id: 2, name: 'unanswered questions', sql: { sqlite: UNANSWERED_SQLITE, postgres: UNANSWERED_POSTGRES } },
  { id: 8, name: 'questions for the organisers', sql: QUESTIONS_SCHEMA },
  { id: 9, name: 'organisers answers and their delivery', sql: ANSWERS_SCHEMA },
  { id: 11, name: 'organisers question cards and answer language', sql: CARDS_SCHEMA },
];
