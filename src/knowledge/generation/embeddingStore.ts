import type { Sql } from '../../storage/sql';

/**
 * Passage vectors, one row per (version of the sources, passage or Q&A pair id, language, embedding
 * model): computed once per version and shared by every instance. A vector is its float32 bytes in
 * base64, the same text on SQLite and PostgreSQL. A run row says which instance is embedding a version,
 * so that two instances starting together do not both pay for it.
 */
export const EMBEDDINGS_SCHEMA = `
  CREATE TABLE passage_embeddings (
    version INTEGER NOT NULL,
    passage_id TEXT NOT NULL,
    lang TEXT NOT NULL,
    model TEXT NOT NULL,
    dims INTEGER NOT NULL,
    vector TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (version, passage_id, lang, model)
  );
  CREATE TABLE embedding_runs (
    version INTEGER NOT NULL,
    model TEXT NOT NULL,
    owner TEXT NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (version, model)
  );
`;

/** One stored vector: "<passage id>|<lang>" → unit vector. */
export type VectorKey = `${string}|${string}`;
export const vectorKey = (id: string, lang: string): VectorKey => `${id}|${lang}`;

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // A copy: the Buffer's memory may be shared and unaligned.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A run older than this was left by an instance that stopped: another may take it over. */
const STALE_RUN_MS = 10 * 60_000;

export class EmbeddingRepository {
  constructor(private readonly sql: Sql) {}

  async vectors(version: number, model: string): Promise<Map<VectorKey, Float32Array>> {
    const rows = await this.sql.all<{ passage_id: string; lang: string; vector: string }>('SELECT passage_id, lang, vector FROM passage_embeddings WHERE version = ? AND model = ?', [version, model]);
    return new Map(rows.map((r) => [vectorKey(r.passage_id, r.lang), decodeVector(r.vector)]));
  }

  /** Stores vectors; one already there (another instance was quicker) is kept as it is. */
  async save(version: number, model: string, rows: ReadonlyArray<{ id: string; lang: string; vector: Float32Array }>, at: Date): Promise<void> {
    await this.sql.tx(async (sql) => {
      for (const r of rows) {
        await sql.run('INSERT INTO passage_embeddings (version, passage_id, lang, model, dims, vector, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          version, r.id, r.lang, model, r.vector.length, encodeVector(r.vector), at.toISOString(),
        ]);
      }
    });
  }

  /** Takes the embedding of a version for this instance; false while another instance's run is alive. */
  async claim(version: number, model: string, owner: string, at: Date): Promise<boolean> {
    const inserted = await this.sql.run('INSERT INTO embedding_runs (version, model, owner, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [version, model, owner, at.toISOString()]);
    if (inserted) return true;
    const stale = new Date(at.getTime() - STALE_RUN_MS).toISOString();
    const taken = await this.sql.run('UPDATE embedding_runs SET owner = ?, started_at = ? WHERE version = ? AND model = ? AND (owner = ? OR started_at < ?)', [owner, at.toISOString(), version, model, owner, stale]);
    return taken > 0;
  }

  /** Lets another attempt (here or elsewhere) embed the version at once: this one failed. */
  async release(version: number, model: string, owner: string): Promise<void> {
    await this.sql.run('DELETE FROM embedding_runs WHERE version = ? AND model = ? AND owner = ?', [version, model, owner]);
  }
}
