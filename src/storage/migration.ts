/** The databases the storage layer speaks to. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * A schema change, applied once, in order of id, on SQLite and PostgreSQL alike (the SQL both
 * understand, or one text per dialect where their types differ). Features own theirs; the
 * composition root hands them to the storage layer, which knows no feature. Never edit a released
 * one: add a new one.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string | { readonly [D in Dialect]: string };
}

/** The statements of a migration for one dialect. */
export const migrationSql = (m: Migration, dialect: Dialect): string => (typeof m.sql === 'string' ? m.sql : m.sql[dialect]);
