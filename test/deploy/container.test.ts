import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/fixtures';
import { startCommand } from '../cluster/cluster';

// Docker cannot run here: these read the container files for what production relies on. The start
// command itself is exercised by the cluster test, which runs it three times behind nginx.
const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => !l.startsWith('#'));
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('the container (deploy/Dockerfile)', () => {
  test('when the image is built, then it starts from an official Node LTS slim image, in stages, and ships production dependencies only', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=(2[02468])$/m);
    for (const f of froms.filter((l) => !/FROM (toolchain|dependencies|build)\b/.test(l))) expect(f).toMatch(/^FROM node:\$\{NODE_VERSION\}-\w+-slim\b/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(finalStage).toMatch(/COPY --from=dependencies \/app\/node_modules node_modules/);
    expect(finalStage).not.toMatch(/apt-get install/);
  });

  test('when it runs, then it runs as an unprivileged user, keeps DATA_DIR in a volume and checks /api/health', () => {
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toMatch(/DATA_DIR=\/data/);
    expect(finalStage).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health/m);
  });

  test('when it starts, then it runs the compiled program with plain node: the command the cluster test runs', () => {
    expect(startCommand()).toEqual(['node', 'dist/src/index.js']);
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start']).toBe(startCommand().join(' '));
  });
});

describe('the local picture of production (deploy/compose.yaml)', () => {
  const compose = parse(readFileSync(join(ROOT, 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, { build?: { dockerfile: string }; image?: string; environment?: Record<string, string>; volumes?: string[] }> };
  const bots = Object.entries(compose.services).filter(([, s]) => s.build?.dockerfile === 'deploy/Dockerfile');

  test('when it is up, then two bot instances share one PostgreSQL, send mail to Mailpit and sit behind nginx', () => {
    expect(bots).toHaveLength(2);
    for (const [, bot] of bots) {
      expect(bot.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/\w+:\w+@postgres:5432\//);
      expect(bot.environment?.['SMTP_URL']).toBe('smtp://mailpit:1025');
      expect(bot.environment?.['TRUST_PROXY']).toBeTruthy();
    }
    expect(compose.services['postgres']?.image).toMatch(/^postgres:/);
    expect(compose.services['mailpit']?.image).toMatch(/^axllent\/mailpit:/);
    expect(compose.services['proxy']?.image).toMatch(/^nginx:/);
    expect(compose.services['proxy']?.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/nginx\/locations\.conf:/)]));
    const upstreams = readFileSync(join(ROOT, 'deploy', 'nginx', 'compose.conf'), 'utf8').match(/^\s*server ([\w-]+):3978/gm) ?? [];
    expect(upstreams.map((u) => u.trim().split(/[ :]/)[1]).sort()).toEqual(bots.map(([name]) => name).sort());
  });
});
