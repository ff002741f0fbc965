/**
 * `npm run cluster`: the scale-out picture on this machine, to try by hand. Builds if needed, then
 * starts INSTANCES (3) compiled instances with the container's start command on one PostgreSQL
 * database, behind Debian's nginx on CLUSTER_PORT (8080), and runs until Ctrl-C.
 *
 *   DATABASE_URL   the database (default: TEST_DATABASE_URL, else the local test server, in a fresh
 *                  schema dropped at the end)
 *   ADMIN_TOKEN    the admin API's token (default: a random one, printed)
 *
 * `npx jest test/cluster` runs the scale-out test itself (load, a killed instance, a publication…).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Cluster, LOGS, ensureBuilt } from './cluster';

async function main(): Promise<void> {
  const instances = Number(process.env['INSTANCES'] ?? 3);
  const proxyPort = Number(process.env['CLUSTER_PORT'] ?? 8080);
  const adminToken = process.env['ADMIN_TOKEN'] ?? randomBytes(18).toString('base64url');
  let databaseUrl = process.env['DATABASE_URL'];
  let dropSchema: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const base = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `cluster_${randomBytes(4).toString('hex')}`;
    const db = new pg.Client({ connectionString: base });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.end();
    databaseUrl = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
    dropSchema = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    };
  }
  process.stdout.write('building if needed…\n');
  ensureBuilt();
  const cluster = await Cluster.start({ instances, databaseUrl, proxyPort, env: { ADMIN_TOKEN: adminToken, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' } });
  process.stdout.write(
    [
      `web chat        ${cluster.base}/`,
      `health          ${cluster.base}/api/health`,
      `admin API       ${cluster.base}/api/admin/  (Authorization: Bearer ${adminToken})`,
      ...cluster.instances.map((x) => `${x.name.padEnd(15)} ${x.base}  (started in ${(x.startTimes[0]! / 1000).toFixed(1)} s)`),
      `logs            ${LOGS}/`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void cluster
      .stop()
      .then(() => dropSchema?.())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
