import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Esbuild from 'esbuild';

/**
 * The organiser tab's script: src/web/organiser/main.ts and what it imports (Teams JS included),
 * bundled by esbuild into one minified ES2020 file for the browser.
 *
 * Where it comes from at run time: a production build writes `buildOrganiserBundle()`'s output to
 * PREBUILT_ORGANISER_BUNDLE (beside this module once compiled); without that file (development,
 * tests) the bundle is built in memory on first use and kept for the life of the process, so neither
 * `npm start` from the sources nor the tests need a build step.
 */
export const ORGANISER_ENTRY = join(__dirname, 'organiser', 'main.ts');
export const PREBUILT_ORGANISER_BUNDLE = join(__dirname, 'organiser.js');

/**
 * Teams JS fetches its list of trusted hosts from res.cdn.office.net when it loads, and again for a
 * message from a host it does not know; it has no setting to stop that, and falls back to the list
 * it ships when the fetch fails. This module replaces the one that fetches: the same exports, the
 * shipped list only, so the tab makes no request outside this app (README: "no CDN"). It imports
 * the library's own helpers by their exported names: if an upgrade renames them or the module's
 * exports, the bundle no longer builds (and test/e2e/organiser.test.ts fails), instead of silently
 * fetching again.
 */
const OFFLINE_VALID_ORIGINS = `
import { validOriginsFallback } from './constants.js';
import { GlobalVars } from './globalVars.js';
import { createURLVerifier, validateHostAgainstPattern } from './urlPattern.js';
import { isValidHttpsURL } from './utils.js';
const quiet = () => undefined;
function matches(pattern, origin) {
  try { const verifier = createURLVerifier(pattern, quiet); return !!verifier && verifier.test(origin); } catch { return false; }
}
export function isValidOriginsJSONValid() { return false; }
export function prefetchOriginsFromCDN() { return Promise.resolve(); }
export function validateOrigin(origin) {
  if (GlobalVars.additionalValidOrigins.some((p) => matches(p, origin))) return Promise.resolve(true);
  if (!isValidHttpsURL(origin)) return Promise.resolve(false);
  return Promise.resolve(validOriginsFallback.some((p) => validateHostAgainstPattern(p, origin.host)));
}
`;

function offlineTeamsJs(replaced: () => void): Esbuild.Plugin {
  return {
    name: 'teams-js-offline-valid-origins',
    setup(build) {
      build.onLoad({ filter: /[\\/]@microsoft[\\/]teams-js[\\/].*[\\/]internal[\\/]validOrigins\.js$/ }, (args) => {
        replaced();
        return { contents: OFFLINE_VALID_ORIGINS, loader: 'js', resolveDir: join(args.path, '..') };
      });
    },
  };
}

/** Builds the organiser tab's bundle (a production build writes it to PREBUILT_ORGANISER_BUNDLE). */
export async function buildOrganiserBundle(): Promise<string> {
  // esbuild is a development dependency: loaded only when a bundle is built, never by a production
  // server that has its prebuilt file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof Esbuild;
  let replaced = false;
  const result = await esbuild.build({
    entryPoints: [ORGANISER_ENTRY],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    legalComments: 'none',
    logLevel: 'silent',
    // teams-js reads process.env in a debug helper; nothing else of Node reaches the browser.
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [offlineTeamsJs(() => (replaced = true))],
  });
  if (!replaced) throw new Error('Teams JS no longer has internal/validOrigins.js: the tab would fetch its list of hosts from a CDN; see src/web/bundle.ts');
  return result.outputFiles[0]!.text;
}

let inMemory: Promise<string> | undefined;

/**
 * The bundle to serve: the prebuilt file when there is one, else built once per process (every app a
 * test starts shares it; a failed build is retried on the next request).
 */
export function organiserBundle(): Promise<string> {
  if (existsSync(PREBUILT_ORGANISER_BUNDLE)) inMemory ??= Promise.resolve(readFileSync(PREBUILT_ORGANISER_BUNDLE, 'utf8'));
  inMemory ??= buildOrganiserBundle().catch((e: unknown) => {
    inMemory = undefined;
    throw e;
  });
  return inMemory;
}
