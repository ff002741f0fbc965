import pg from 'pg';

/**
 * Decides once whether the PostgreSQL suites can run: they need a server at TEST_DATABASE_URL
 * (default: the local one). Without it they are skipped with a visible message, unless
 * REQUIRE_POSTGRES=1, where its absence fails the run.
 */
export default async function globalSetup(): Promise<void> {
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
