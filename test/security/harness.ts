import { Writable } from 'node:stream';
import type { ConfirmationRepository } from '../../src/confirmations/confirmation';
import { createLogger, type Logger } from '../../src/logger';
import { botHarness, type Harness } from '../helpers/botHarness';

/** A logger as production configures it, writing to a string the test can search. */
export function bufferLogger(level = 'trace'): { logger: Logger; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger(level, sink), text: () => text };
}

/**
 * The bot as botHarness builds it, with the ledger wrapped (to make it fail on purpose) and the
 * logger given: the wrapped repository stands for a database that fails at the worst moment.
 */
export function wrappedHarness(dataDir: string, opts: { databaseUrl?: string; wrap?: (repo: ConfirmationRepository) => ConfirmationRepository; logger?: Logger } = {}): Promise<Harness> {
  return botHarness(dataDir, opts);
}

/** A repository whose `record` throws the first `times` times, as a database that is down would. */
export function failingRecord(times: number): (repo: ConfirmationRepository) => ConfirmationRepository & { failures: number } {
  return (repo) => {
    const wrapped = Object.create(repo) as ConfirmationRepository & { failures: number };
    wrapped.failures = 0;
    wrapped.record = (...args) => {
      if (wrapped.failures < times) {
        wrapped.failures++;
        return Promise.reject(Object.assign(new Error('connection terminated unexpectedly'), { code: 'ECONNRESET' }));
      }
      return repo.record(...args);
    };
    return wrapped;
  };
}

/** The answers of a confirmation up to the summary, language by language, with the name and organisation given. */
export function scriptUpToSummary(lang: 'en' | 'fr', name: string, organisation: string): string[] {
  return lang === 'en'
    ? ["I'd like to confirm my participation", 'the global forum', name, organisation, 'amina.diallo@example.org', 'government', 'Senegal', 'yes']
    : ['Je souhaite confirmer ma participation', 'le forum mondial', name, organisation, 'amina.diallo@example.org', 'Gouvernement', 'Sénégal', 'oui'];
}
