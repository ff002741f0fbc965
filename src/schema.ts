import { CONFIRMATIONS_SCHEMA } from './confirmations/repository';
import { DIGEST_SCHEMA } from './digests/schema';
import { DIRECTLINE_SCHEMA } from './directline/store';
import { EMBEDDINGS_SCHEMA } from './knowledge/generation/embeddingStore';
import { FEEDBACK_SCHEMA } from './feedback/repository';
import { SOURCES_SCHEMA } from './sources/versions';
import { QUESTION_MIGRATIONS } from './questions/schema';
import { TURN_LEASES_MIGRATION } from './bot/turnOrder';
import type { Migration } from './storage/migration';

/**
 * The features' tables, in the order they were released (id 1, bot state, is the storage layer's own).
 * Each feature owns its schema; the composition root hands this list to the storage layer.
 */
export const FEATURE_MIGRATIONS: readonly Migration[] = [
  { id: 3, name: 'confirmations', sql: CONFIRMATIONS_SCHEMA },
  { id: 4, name: 'digests', sql: DIGEST_SCHEMA },
  { id: 5, name: 'feedback', sql: FEEDBACK_SCHEMA },
  { id: 6, name: 'source versions', sql: SOURCES_SCHEMA },
  { id: 7, name: 'direct line', sql: DIRECTLINE_SCHEMA },
  ...QUESTION_MIGRATIONS,
  { id: 10, name: 'passage embeddings', sql: EMBEDDINGS_SCHEMA },
  TURN_LEASES_MIGRATION,
].sort((a, b) => a.id - b.id);
