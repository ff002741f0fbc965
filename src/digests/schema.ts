/** The digest tables, as both databases create them (timestamps as ISO text). */
export const DIGEST_SCHEMA = `
  CREATE TABLE digest_subscriptions (
    conversation_key TEXT PRIMARY KEY,
    conversation_reference TEXT NOT NULL,
    language TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL);
  CREATE TABLE digests (
    id TEXT PRIMARY KEY,
    destination TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
    trigger TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT);
  CREATE INDEX digests_destination ON digests (destination, status);
  CREATE TABLE digest_items (
    destination TEXT NOT NULL,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    digest_id TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    PRIMARY KEY (destination, kind, item_id));
  CREATE INDEX digest_items_digest ON digest_items (digest_id);
  CREATE TABLE digest_runs (tick TEXT PRIMARY KEY, at TEXT NOT NULL);
  CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);`;
