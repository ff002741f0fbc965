import { createTranslator } from '../../src/i18n';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { QuestionRepository } from '../../src/questions/repository';
import { QuestionService, type QuestionDeps } from '../../src/questions/service';
import { fixedClock } from '../../src/schedule/time';
import type { Stores } from '../../src/storage/stores';
import { AFTER, LOCALES_DIR, shippedSources, silentLogger } from './fixtures';

/** The shipped sources' analyzer, read once for every suite that groups questions. */
let kb: KnowledgeBase | undefined;

/**
 * A question service on a harness's database, with what the tests rarely vary filled in (the shipped
 * sources' analyzer, a fixed clock, both languages, retries of a minute doubling to an hour, email
 * after three failed attempts); a test gives the channel and anything else it watches.
 */
export function questionService(stores: Stores, parts: Pick<QuestionDeps, 'conversation'> & Partial<QuestionDeps>): QuestionService {
  kb ??= new KnowledgeBase(shippedSources());
  const analyzer = kb.analyzer;
  return new QuestionService({
    repo: new QuestionRepository(stores.sql),
    analyzer: () => analyzer,
    teach: () => Promise.resolve(0),
    clock: fixedClock(AFTER),
    t: createTranslator(LOCALES_DIR),
    logger: silentLogger,
    settings: { emailFrom: 'Assistant <assistant@example.org>', retryBaseMs: 60_000, retryMaxMs: 3_600_000, emailAfterAttempts: 3 },
    ...parts,
  });
}
