import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const pgAvailable = process.env.PG_AVAILABLE === '1';
export const describePg = pgAvailable ? describe : describe.skip;

/** A DATABASE_URL on a fresh schema of the test server, and a function that drops it. */
export function pgSchemaUrl(): { url: string; drop: () => Promise<void> } {
  const base = process.env.TEST_DATABASE_URL!;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
