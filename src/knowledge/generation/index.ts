import type { KnowledgeBase } from '../knowledgeBase';
import type { Translate } from '../answer';
import type { Logger } from '../../logger';
import type { Clock } from '../../schedule/time';
import type { Sql } from '../../storage/sql';
import { createModelClient, type GenerationSettings } from './client';
import { GenerativeAnswerer, type GenerativeDeps } from './generativeAnswerer';
import { ChatCompletionsModel } from './model';
import { UsageRepository } from './usage';

export { GenerativeAnswerer } from './generativeAnswerer';
export { UsageRepository, type UsageDay } from './usage';
export type { GenerationSettings } from './client';

/** Generative answers over the extractive answerer, with their usage counted in the database. */
export function generativeAnswers(
  settings: GenerationSettings,
  deps: { base: GenerativeDeps['base']; knowledgeBase: () => KnowledgeBase; sql: Sql; clock: Clock; t: Translate; logger: Logger },
): { answerer: GenerativeAnswerer; usage: UsageRepository } {
  const usage = new UsageRepository(deps.sql);
  const model = new ChatCompletionsModel(createModelClient(settings), settings.model);
  const answerer = new GenerativeAnswerer({ ...deps, model, usage, timeoutMs: settings.timeoutMs, dailyTokenLimit: settings.dailyTokenLimit });
  return { answerer, usage };
}
