import { randomUUID } from 'node:crypto';
import type { KnowledgeBase } from '../knowledgeBase';
import type { Translate } from '../answer';
import type { Logger } from '../../logger';
import type { Clock } from '../../schedule/time';
import type { Sql } from '../../storage/sql';
import { createModelClient, type GenerationSettings } from './client';
import { EmbeddingRepository } from './embeddingStore';
import { OpenAIEmbeddings } from './embeddings';
import { GenerativeAnswerer, type GenerativeDeps } from './generativeAnswerer';
import { ChatCompletionsModel } from './model';
import { SemanticIndex } from './semantic';
import { UsageRepository } from './usage';

export { GenerativeAnswerer } from './generativeAnswerer';
export { SemanticIndex } from './semantic';
export { EMBEDDINGS_SCHEMA } from './embeddingStore';
export { UsageRepository, type UsageDay } from './usage';
export type { GenerationSettings } from './client';

/**
 * Generative answers over the extractive answerer, with their usage counted in the database; with an
 * embedding model, the semantic index that helps choose what the model is shown.
 */
export function generativeAnswers(
  settings: GenerationSettings,
  deps: { base: GenerativeDeps['base']; knowledgeBase: () => KnowledgeBase; sql: Sql; clock: Clock; t: Translate; logger: Logger },
): { answerer: GenerativeAnswerer; usage: UsageRepository; semantic: SemanticIndex | undefined } {
  const usage = new UsageRepository(deps.sql);
  const model = new ChatCompletionsModel(createModelClient(settings), settings.model);
  const semantic = settings.embeddingModel
    ? new SemanticIndex({
        model: new OpenAIEmbeddings(createModelClient(settings, settings.embeddingModel), settings.embeddingModel),
        repo: new EmbeddingRepository(deps.sql),
        clock: deps.clock,
        logger: deps.logger,
        timeoutMs: settings.timeoutMs,
        owner: randomUUID(),
        onFailure: (reason) => void usage.recordReason(deps.clock.now(), `embedding-${reason}`).catch((err: unknown) => deps.logger.warn({ err }, 'could not count a failure of the embedding service')),
      })
    : undefined;
  const answerer = new GenerativeAnswerer({ ...deps, model, usage, semantic, timeoutMs: settings.timeoutMs, dailyTokenLimit: settings.dailyTokenLimit });
  return { answerer, usage, semantic };
}
