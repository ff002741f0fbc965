/**
 * A schema change, applied once, in order of id, on SQLite and PostgreSQL alike (the SQL both
 * understand). Features own theirs; the composition root hands them to the storage layer, which
 * knows no feature. Never edit a released one: add a new one.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
  /** The PostgreSQL text, when it differs from \`sql\` (a table released before the two were written alike). */
  readonly postgres?: string;
}
