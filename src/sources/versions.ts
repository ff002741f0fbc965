import { randomUUID } from 'node:crypto';
import type { Sql } from '../storage/sql';
import type { SourceName } from './formats';

export const SOURCES_SCHEMA = `
  CREATE TABLE source_versions (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'discarded')),
    files TEXT NOT NULL,
    changed TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    published_at TEXT,
    published_by TEXT);
  CREATE TABLE live_sources (id INTEGER PRIMARY KEY CHECK (id = 1), version_id TEXT NOT NULL, changed_at TEXT NOT NULL, changed_by TEXT NOT NULL);
  CREATE TABLE source_events (id TEXT PRIMARY KEY, version_number INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL);
  CREATE INDEX source_events_at ON source_events (at);`;

/** Every source of one version: the notes as Markdown, the rest as parsed JSON. */
export type SourceFiles = Record<SourceName, unknown>;

export interface SourceVersion {
  readonly id: string;
  readonly number: number;
  readonly status: 'draft' | 'published' | 'discarded';
  readonly files: SourceFiles;
  /** The sources this version changed from the one it was drafted from. */
  readonly changed: SourceName[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly publishedAt: string | null;
  readonly publishedBy: string | null;
}

export interface SourceEvent {
  readonly version: number;
  readonly action: 'created' | 'uploaded' | 'published' | 'rolled-back' | 'discarded';
  readonly actor: string;
  readonly at: string;
  readonly detail: Record<string, unknown>;
}

type Row = { id: string; number: number | string; status: SourceVersion['status']; files: string; changed: string; created_at: string; created_by: string; published_at: string | null; published_by: string | null };
const toVersion = (r: Row): SourceVersion => ({
  id: r.id,
  number: Number(r.number),
  status: r.status,
  files: JSON.parse(r.files) as SourceFiles,
  changed: JSON.parse(r.changed) as SourceName[],
  createdAt: r.created_at,
  createdBy: r.created_by,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
});

/** Versions of the sources in the database; one of them is live, at most one is a draft. */
export class SourceVersionRepository {
  constructor(private readonly sql: Sql) {}

  async live(): Promise<SourceVersion | undefined> {
    const row = await this.sql.get<Row>('SELECT v.* FROM source_versions v JOIN live_sources l ON l.version_id = v.id WHERE l.id = 1');
    return row ? toVersion(row) : undefined;
  }

  async liveNumber(): Promise<number | undefined> {
    const row = await this.sql.get<{ number: number | string }>('SELECT v.number FROM source_versions v JOIN live_sources l ON l.version_id = v.id WHERE l.id = 1');
    return row ? Number(row.number) : undefined;
  }

  async draft(): Promise<SourceVersion | undefined> {
    const row = await this.sql.get<Row>("SELECT * FROM source_versions WHERE status = 'draft' ORDER BY number DESC LIMIT 1");
    return row ? toVersion(row) : undefined;
  }

  async byNumber(n: number): Promise<SourceVersion | undefined> {
    const row = await this.sql.get<Row>('SELECT * FROM source_versions WHERE number = ?', [n]);
    return row ? toVersion(row) : undefined;
  }

  async list(): Promise<Array<Omit<SourceVersion, 'files'> & { live: boolean }>> {
    const live = await this.liveNumber();
    const rows = await this.sql.all<Row>('SELECT * FROM source_versions ORDER BY number DESC');
    return rows.map(toVersion).map(({ files: _files, ...v }) => ({ ...v, live: v.number === live }));
  }

  /** The first version, from the files shipped with the bot, published at once. Does nothing if one exists. */
  /**
   * Version 1 from the shipped files on a new database. On a database that has versions, shipped
   * files that differ from the last version made from files (a new release of the bot) become a new
   * live version, unless organisers have published their own since: theirs stays live ("kept").
   */
  async bootstrap(files: SourceFiles, now: Date): Promise<'created' | 'unchanged' | 'released' | 'kept'> {
    const shipped = JSON.stringify(files);
    try {
      return await this.sql.tx(async (sql) => {
        const live = await sql.get<{ version_id: string }>('SELECT version_id FROM live_sources WHERE id = 1');
        if (!live) {
          await this.insertFromFiles(sql, 1, shipped, files, now);
          return 'created';
        }
        const fromFiles = await sql.get<Row>("SELECT * FROM source_versions WHERE created_by = 'files' ORDER BY number DESC LIMIT 1");
        if (!fromFiles || fromFiles.files === shipped) return 'unchanged';
        if (fromFiles.id !== live.version_id) return 'kept';
        const next = Number((await sql.get<{ n: number | string | null }>('SELECT MAX(number) AS n FROM source_versions'))!.n ?? 0) + 1;
        await this.insertFromFiles(sql, next, shipped, files, now);
        return 'released';
      });
    } catch (e) {
      // Instances starting together: another one made the version first.
      if ((await this.liveNumber().catch(() => undefined)) !== undefined) return 'unchanged';
      throw e;
    }
  }

  private async insertFromFiles(sql: Sql, number: number, shipped: string, files: SourceFiles, now: Date): Promise<void> {
    const id = randomUUID();
    await sql.run("INSERT INTO source_versions (id, number, status, files, changed, created_at, created_by, published_at, published_by) VALUES (?, ?, 'published', ?, ?, ?, 'files', ?, 'files')", [
      id,
      number,
      shipped,
      JSON.stringify(Object.keys(files)),
      now.toISOString(),
      now.toISOString(),
    ]);
    if (number === 1) await sql.run("INSERT INTO live_sources (id, version_id, changed_at, changed_by) VALUES (1, ?, ?, 'files')", [id, now.toISOString()]);
    else await sql.run("UPDATE live_sources SET version_id = ?, changed_at = ?, changed_by = 'files' WHERE id = 1", [id, now.toISOString()]);
    await this.event(sql, number, 'created', 'files', now, { from: 'sources/' });
  }

  /** Puts one source into the draft (creating it from the live version if there is none). */
  async saveToDraft(name: SourceName, content: unknown, actor: string, now: Date): Promise<SourceVersion> {
    return this.sql.tx(async (sql) => {
      let draft = await sql.get<Row>("SELECT * FROM source_versions WHERE status = 'draft' ORDER BY number DESC LIMIT 1");
      if (!draft) {
        const live = (await sql.get<Row>('SELECT v.* FROM source_versions v JOIN live_sources l ON l.version_id = v.id WHERE l.id = 1'))!;
        const next = Number((await sql.get<{ n: number | string | null }>('SELECT MAX(number) AS n FROM source_versions'))!.n ?? 0) + 1;
        const id = randomUUID();
        await sql.run("INSERT INTO source_versions (id, number, status, files, changed, created_at, created_by) VALUES (?, ?, 'draft', ?, '[]', ?, ?)", [id, next, live.files, now.toISOString(), actor]);
        draft = (await sql.get<Row>('SELECT * FROM source_versions WHERE id = ?', [id]))!;
      }
      const v = toVersion(draft);
      const files = { ...v.files, [name]: content };
      const changed = [...new Set([...v.changed, name])];
      await sql.run('UPDATE source_versions SET files = ?, changed = ? WHERE id = ?', [JSON.stringify(files), JSON.stringify(changed), v.id]);
      await this.event(sql, v.number, 'uploaded', actor, now, { source: name });
      return toVersion((await sql.get<Row>('SELECT * FROM source_versions WHERE id = ?', [v.id]))!);
    });
  }

  /** Makes a version live (publishing a draft, or going back to an earlier published version). */
  async makeLive(number: number, actor: string, now: Date, action: 'published' | 'rolled-back'): Promise<SourceVersion> {
    return this.sql.tx(async (sql) => {
      const row = await sql.get<Row>('SELECT * FROM source_versions WHERE number = ?', [number]);
      if (!row) throw new Error(`no version ${number}`);
      if (row.status === 'draft') await sql.run("UPDATE source_versions SET status = 'published', published_at = ?, published_by = ? WHERE id = ?", [now.toISOString(), actor, row.id]);
      await sql.run('UPDATE live_sources SET version_id = ?, changed_at = ?, changed_by = ? WHERE id = 1', [row.id, now.toISOString(), actor]);
      await this.event(sql, Number(row.number), action, actor, now, {});
      return toVersion((await sql.get<Row>('SELECT * FROM source_versions WHERE id = ?', [row.id]))!);
    });
  }

  async discardDraft(actor: string, now: Date): Promise<boolean> {
    return this.sql.tx(async (sql) => {
      const draft = await sql.get<Row>("SELECT * FROM source_versions WHERE status = 'draft' LIMIT 1");
      if (!draft) return false;
      await sql.run("UPDATE source_versions SET status = 'discarded' WHERE id = ?", [draft.id]);
      await this.event(sql, Number(draft.number), 'discarded', actor, now, {});
      return true;
    });
  }

  async events(limit = 100): Promise<SourceEvent[]> {
    const rows = await this.sql.all<{ version_number: number | string; action: SourceEvent['action']; actor: string; at: string; detail: string }>('SELECT version_number, action, actor, at, detail FROM source_events ORDER BY at DESC, id LIMIT ?', [limit]);
    return rows.map((r) => ({ version: Number(r.version_number), action: r.action, actor: r.actor, at: r.at, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  private async event(sql: Sql, version: number, action: SourceEvent['action'], actor: string, now: Date, detail: Record<string, unknown>): Promise<void> {
    await sql.run('INSERT INTO source_events (id, version_number, action, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?)', [randomUUID(), version, action, actor, now.toISOString(), JSON.stringify(detail)]);
  }
}
