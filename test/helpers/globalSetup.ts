import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { StemMemo } from '../../src/knowledge/analyzer';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { shippedFiles, toSources } from '../../src/sources/service';
import { SOURCES_DIR } from './fixtures';

/**
 * Decides once whether the PostgreSQL suites can run: they need a server at TEST_DATABASE_URL
 * (default: the local one). Without it they are skipped with a visible message, unless
 * REQUIRE_POSTGRES=1, where its absence fails the run.
 */
export default async function globalSetup(): Promise<void> {
  stemShippedSources();
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.TEST_DATABASE_URL = url;
    process.env.PG_AVAILABLE = '1';
  } catch (e) {
    const message = `PostgreSQL is not reachable at ${url.replace(/\/\/[^@]*@/, '//')} (${(e as Error).message})`;
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`${message}; REQUIRE_POSTGRES=1`);
    process.stderr.write(`\n*** ${message}: the PostgreSQL suites are SKIPPED ***\n\n`);
    delete process.env.PG_AVAILABLE;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The shipped sources' words stemmed once for the whole run, as the build does for production
 * (dist/.code-cache): each suite reads them (test/helpers/fixtures.ts) instead of stemming anew.
 */
function stemShippedSources(): void {
  const stems = new StemMemo();
  new KnowledgeBase(toSources(shippedFiles(SOURCES_DIR)), undefined, stems);
  const file = join(tmpdir(), `pa-test-stems-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(stems));
  process.env.TEST_STEMS_FILE = file;
}
