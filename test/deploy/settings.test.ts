import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../../src/config';
import { ROOT, SOURCES_DIR, tempDataDir } from '../helpers/fixtures';
import { ensureBuilt, freePort, startCommand } from '../cluster/cluster';

const TEMPLATE = join(ROOT, 'deploy', '.env.template');

/** What a shell makes of the file: `set -a; . file`, then the variables as JSON. */
function sourcedByShell(file: string, keys: string[]): Record<string, string> {
  const script = `set -ea; . "${file}"; set +a; node -e 'const o={}; for (const k of process.argv.slice(1)) o[k]=process.env[k]; process.stdout.write(JSON.stringify(o))' ${keys.join(' ')}`;
  const run = spawnSync('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the shell could not read ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}

describe('the settings template (deploy/.env.template)', () => {
  const text = readFileSync(TEMPLATE, 'utf8');
  const parsed = parseEnv(text) as Record<string, string>;

  test('when Node reads it, then every value is valid settings as it stands', () => {
    expect(Object.keys(parsed).length).toBeGreaterThan(30);
    expect(parsed['MAIL_FROM']).toBe('Participant assistant <no-reply@example.org>');
    const data = tempDataDir();
    expect(() => loadConfig({ ...parsed, DATA_DIR: data.dir, SOURCES_DIR }, ROOT)).not.toThrow();
    data.cleanup();
  });

  test('when a shell sources it, then it reads the very values Node reads', () => {
    expect(sourcedByShell(TEMPLATE, Object.keys(parsed))).toEqual(Object.fromEntries(Object.keys(parsed).map((k) => [k, parsed[k] ?? ''])));
  });

  test('when a value holds spaces or shell characters unquoted, then the shell check fails (the check can fail)', () => {
    const data = tempDataDir();
    const bad = join(data.dir, 'bad.env');
    writeFileSync(bad, 'MAIL_FROM=Participant assistant <no-reply@example.org>\n');
    expect(() => sourcedByShell(bad, ['MAIL_FROM'])).toThrow(/could not read/);
    data.cleanup();
  });
});

describe('the compiled program reads .env', () => {
  let child: ChildProcess | undefined;
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  /** Starts the container's command from `cwd` with only the given environment; resolves with the port that answers. */
  async function start(cwd: string, env: Record<string, string>, ports: number[]): Promise<number | undefined> {
    const [command, ...args] = startCommand();
    child = spawn(command!, [join(ROOT, args[0]!), ...args.slice(1)], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      for (const port of ports) if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) return port;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  test('when .env sets a port and the environment another, then the environment wins; the rest of .env still applies', async () => {
    const data = tempDataDir();
    const [filePort, envPort] = [await freePort(), await freePort()];
    writeFileSync(join(data.dir, '.env'), `PORT=${filePort}\nHOST=127.0.0.1\nSOURCES_DIR="${SOURCES_DIR}"\nDATA_DIR=./state\nLOG_LEVEL=silent\n`);
    expect(await start(data.dir, { PORT: String(envPort) }, [filePort, envPort])).toBe(envPort);
    data.cleanup();
  }, 90_000);

  test('when only .env sets the port, then the program listens there', async () => {
    const data = tempDataDir();
    const filePort = await freePort();
    writeFileSync(join(data.dir, '.env'), `PORT=${filePort}\nHOST=127.0.0.1\nSOURCES_DIR="${SOURCES_DIR}"\nDATA_DIR=./state\nLOG_LEVEL=silent\n`);
    expect(await start(data.dir, {}, [filePort])).toBe(filePort);
    data.cleanup();
  }, 90_000);
});
