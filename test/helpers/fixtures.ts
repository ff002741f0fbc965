import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Answerer } from '../../src/knowledge/answerer';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { loadSourcesFromDir, type KnowledgeSources } from '../../src/knowledge/sources';
import { createTranslator } from '../../src/i18n';
import { fixedClock, type Clock } from '../../src/schedule/time';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { sharedStems, type Lang } from '../../src/knowledge/analyzer';

export const ROOT = resolve(__dirname, '..', '..');
export const SOURCES_DIR = join(ROOT, 'sources');
export const LOCALES_DIR = join(ROOT, 'locales');

/** A day long after the 2020 consultations, as on the machine that runs the bot today. */
export const AFTER = '2026-11-28T09:00:00Z';
/** A day before the first briefing of 20 July 2020. */
export const BEFORE = '2020-07-10T09:00:00Z';

let cached: KnowledgeSources | undefined;
export function shippedSources(): KnowledgeSources {
  cached ??= loadSourcesFromDir(SOURCES_DIR);
  return cached;
}

// One knowledge base per suite for the shipped sources: building it is the costly part of a test's setup.
const bases = new WeakMap<KnowledgeSources, KnowledgeBase>();
export function makeAnswerer(clock: Clock = fixedClock(AFTER), sources: KnowledgeSources = shippedSources()): Answerer {
  let kb = bases.get(sources);
  if (!kb) bases.set(sources, (kb = new KnowledgeBase(sources)));
  return new Answerer(kb, clock, createTranslator(LOCALES_DIR));
}

export const silentLogger = createLogger('silent');

/**
 * The stems of the shipped sources, as production keeps them across starts (a stem depends only on
 * the word): the process's shared table, filled once per run from what test/helpers/globalSetup.ts
 * stemmed, so that no suite spends its start stemming the same words again.
 */
export const testStems = sharedStems;
if (process.env.TEST_STEMS_FILE && existsSync(process.env.TEST_STEMS_FILE)) {
  const saved = JSON.parse(readFileSync(process.env.TEST_STEMS_FILE, 'utf8')) as Record<Lang, Record<string, string>>;
  for (const lang of ['en', 'fr'] as const) for (const [word, stem] of Object.entries(saved[lang] ?? {})) if (testStems.get(word, lang) === undefined) testStems.set(word, lang, stem);
}

/** A fresh data folder for one test, removed by the returned function. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pa-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, SOURCES_DIR, LOG_LEVEL: 'silent', HOST: '127.0.0.1', ...env }, ROOT);
}

/** What a person sees of a reply, lower-cased and without accents: for matching facts. */
export function plain(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ');
}
