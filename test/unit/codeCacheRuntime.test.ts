import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/fixtures';

/**
 * The suites' runtime (test/helpers/codeCacheRuntime.cjs, package.json's jest.runtime): two suites
 * run by one Jest process on the same modules. The second must take their compiled code from the
 * first and an installed package's text as the first read it, and the modules must behave as Jest
 * compiles them: positions in stack traces, strict mode, a syntax error reported with its file.
 */
describe('the suites’ runtime keeping compiled code between suites', () => {
  let dir: string;
  let run: { status: number | null; out: string };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pa-code-cache-'));
    // The thrower's first error is made on line 1, column 45, its second on line 3, column 15.
    writeFileSync(join(dir, 'thrower.js'), `'use strict'; exports.first = () => { throw new Error('first'); };\nexports.second = () => {\n        throw new Error('second');\n};\nexports.strict = function () { return this; };\n`);
    writeFileSync(join(dir, 'broken.js'), 'exports.x = (;\n');
    // An installed package that each suite changes on disk after reading it: the second suite still gets the text the first read.
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), "module.exports = 'as first read';\n");
    const suite = (name: string) =>
      writeFileSync(
        join(dir, `${name}.test.js`),
        `const t = require('./thrower');
test('package', () => {
  const value = require('dep');
  require('node:fs').writeFileSync(require('node:path').join(__dirname, 'node_modules', 'dep', 'index.js'), "module.exports = 'changed on disk';\\n");
  expect(value).toBe('as first read');
});
test('positions', () => {
  let e; try { t.first(); } catch (x) { e = x; }
  expect(e.stack).toMatch(/thrower\\.js:1:45\\)/);
  try { t.second(); } catch (x) { e = x; }
  expect(e.stack).toMatch(/thrower\\.js:3:15\\)/);
  const strict = t.strict;
  expect(strict()).toBeUndefined();
  expect(() => require('./broken')).toThrow(SyntaxError);
});\n`,
      );
    suite('a');
    suite('b');
    const config = { rootDir: dir, testMatch: ['**/*.test.js'], transform: {}, runtime: join(ROOT, 'test', 'helpers', 'codeCacheRuntime.cjs') };
    const jest = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', '--ci', '--config', JSON.stringify(config)], {
      cwd: dir,
      env: { ...process.env, CODE_CACHE_STATS: '1' },
      encoding: 'utf8',
    });
    run = { status: jest.status, out: `${jest.stdout}\n${jest.stderr}` };
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('when two suites load the same modules, then the second takes their compiled code and the packages’ text from the first', () => {
    expect(run.out).toMatch(/Tests:\s+4 passed, 4 total/);
    expect(run.status).toBe(0);
    const stats = JSON.parse(/code cache: (\{.*\})/.exec(run.out)?.[1] ?? '{}') as { compiled?: number; fromCache?: number; rejected?: number };
    // a.test.js and thrower.js in one suite, b.test.js and thrower.js in the other: thrower.js comes from the cache
    expect(stats.fromCache).toBeGreaterThanOrEqual(1);
    expect(stats.rejected).toBe(0);
    expect(run.out).not.toMatch(/codeCacheRuntime:/);
  });
});
