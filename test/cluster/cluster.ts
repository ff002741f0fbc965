/**
 * A local cluster as production runs it: N instances of the compiled bot, each started with the
 * container's own start command (the CMD of deploy/Dockerfile), on one PostgreSQL database, behind
 * Debian's nginx using deploy/nginx/locations.conf. Used by the cluster test and `npm run cluster`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/fixtures';

export const LOGS = join(ROOT, 'test', 'artifacts', 'cluster');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The container's start command, read from the Dockerfile so that the two cannot drift apart. */
export function startCommand(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  const cmd = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].at(-1)?.[1];
  if (!cmd) throw new Error('deploy/Dockerfile has no CMD in exec form (CMD ["node", "…"])');
  return JSON.parse(cmd) as string[];
}

/** Builds dist/ when it is missing or older than the code (what `npm start` does first). */
export function ensureBuilt(): void {
  const run = spawnSync(process.execPath, [join(ROOT, 'deploy', 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the build failed:\n${run.stdout}\n${run.stderr}`);
}

/** Debian's nginx, if installed. */
export function nginxBinary(): string | undefined {
  for (const candidate of [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) if (candidate && existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/**
 * `count` distinct ports nobody listens on right now: all held open together, then released, so
 * that two of them cannot be the same port handed out twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
      server.once('error', reject);
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    if (!alive()) throw new Error(`${what}: the process exited`);
    await sleep(50);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

export class Instance {
  private child: ChildProcess | undefined;
  /** Milliseconds from spawn to the first 200 of /api/health, for each start. */
  readonly startTimes: number[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const [command, ...args] = startCommand();
    mkdirSync(LOGS, { recursive: true });
    const log = createWriteStream(join(LOGS, `${this.name}.log`), { flags: 'a' });
    const started = performance.now();
    const child = spawn(command!, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    await waitUntil(`${this.name} on port ${this.port} (see ${join(LOGS, `${this.name}.log`)})`, async () => (await fetch(`${this.base}/api/health`)).ok, 90_000, () => this.running);
    this.startTimes.push(performance.now() - started);
  }

  /** Kills the process at once (SIGKILL): no goodbye, as when a machine or container dies. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the process as the platform does (SIGTERM), killing it if it lingers. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** The instance's health document (sources version, database). */
  async health(): Promise<{ status: string; sources: { version: number } }> {
    return (await (await fetch(`${this.base}/api/health`)).json()) as { status: string; sources: { version: number } };
  }
}

/** nginx in front of the instances, its configuration written into a temporary folder. */
export class Proxy {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'pa-nginx-'));

  constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly upstreams: readonly number[],
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private config(): string {
    const temp = (name: string) => `${name}_temp_path ${join(this.dir, name)};`;
    return `worker_processes 1;
daemon off;
pid ${join(this.dir, 'nginx.pid')};
error_log ${join(this.dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream assistant {
    ${this.upstreams.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n    ')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${this.port};
    include ${join(ROOT, 'deploy', 'nginx', 'locations.conf')};
  }
}
`;
  }

  async start(): Promise<void> {
    // Run as root, nginx's workers are `nobody`: they must reach the temporary folders under this one.
    chmodSync(this.dir, 0o755);
    writeFileSync(join(this.dir, 'nginx.conf'), this.config());
    const args = ['-p', this.dir, '-e', join(this.dir, 'error.log'), '-c', join(this.dir, 'nginx.conf')];
    const check = spawnSync(this.binary, ['-t', ...args], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx refused its configuration:\n${check.stderr}`);
    this.child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const child = this.child;
    await waitUntil('nginx', async () => (await fetch(`${this.base}/api/health`)).ok, 15_000, () => child.exitCode === null);
  }

  /** nginx's own error log (upstreams that failed, and so on). */
  errorLog(): string {
    const file = join(this.dir, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      // Fast shutdown: a graceful one would wait for the pages' streams.
      child.kill('SIGTERM');
      await exited;
    }
    mkdirSync(LOGS, { recursive: true });
    writeFileSync(join(LOGS, 'nginx-error.log'), this.errorLog());
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ClusterOptions {
  readonly instances: number;
  readonly databaseUrl: string;
  /** Settings of every instance (admin token, SMTP, …) besides those the cluster sets. */
  readonly env?: Record<string, string>;
  readonly proxyPort?: number;
}

export class Cluster {
  private constructor(
    readonly instances: Instance[],
    readonly proxy: Proxy,
    private readonly dataDir: string,
  ) {}

  /** Starts the instances (all at once, as a deployment does) and then nginx. */
  static async start(o: ClusterOptions): Promise<Cluster> {
    const binary = nginxBinary();
    if (!binary) throw new Error('nginx is not installed (apt-get install nginx)');
    const free = await freePorts(o.instances + 1);
    const ports = free.slice(0, o.instances);
    const proxyPort = o.proxyPort ?? free[o.instances]!;
    const dataDir = mkdtempSync(join(tmpdir(), 'pa-cluster-'));
    const common: Record<string, string> = {
      DATABASE_URL: o.databaseUrl,
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
      // nginx on loopback is the only proxy: believe its X-Forwarded-For and X-Forwarded-Proto.
      TRUST_PROXY: 'loopback',
      // No .env of the developer's: only what is given here.
      ENV_FILE: '/dev/null',
      LOG_LEVEL: 'warn',
      ...o.env,
    };
    const instances = ports.map((port, i) => new Instance(`instance-${i + 1}`, port, { ...common, DATA_DIR: join(dataDir, `instance-${i + 1}`) }));
    const proxy = new Proxy(binary, proxyPort, ports);
    const cluster = new Cluster(instances, proxy, dataDir);
    try {
      await Promise.all(instances.map((x) => x.start()));
      await proxy.start();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  get base(): string {
    return this.proxy.base;
  }

  async stop(): Promise<void> {
    await this.proxy.stop().catch(() => undefined);
    await Promise.all(this.instances.map((x) => x.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
