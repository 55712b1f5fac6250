/**
 * The mark on SQL the library runs for its own analytics (`EXPLAIN QUERY PLAN`, schema reads):
 * a leading comment that the {@link QueryTracker} recognises and skips, so analytics never
 * measure themselves.
 *
 * @module
 */

/** The comment every internal statement starts with. */
export const INTERNAL_SQL_MARK = '/* alphatrade-db:internal */ ';

/** `sql` marked as internal: the tracker will not record it. */
export function internalSql(sql: string): string {
  return INTERNAL_SQL_MARK + sql;
}

/** Whether `sql` was marked by {@link internalSql}. */
export function isInternalSql(sql: string): boolean {
  return sql.startsWith(INTERNAL_SQL_MARK);
}
