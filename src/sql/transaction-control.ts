/** Transaction control at the start of a statement, after any blanks, comments or empty statements. */
const TRANSACTION_CONTROL = /^(?:\s|;|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

const VERDICT_CACHE_SIZE = 512;
const verdicts = new Map<string, boolean>();

/**
 * Whether `sql` starts with a transaction-control statement (`BEGIN`, `COMMIT`, `END`,
 * `ROLLBACK`, `SAVEPOINT`, `RELEASE`), which only the library may send. Verdicts are remembered
 * per SQL text, so a hot statement is tested once.
 */
export function isTransactionControl(sql: string): boolean {
  let verdict = verdicts.get(sql);
  if (verdict === undefined) {
    verdict = TRANSACTION_CONTROL.test(sql);
    if (verdicts.size >= VERDICT_CACHE_SIZE) verdicts.clear();
    verdicts.set(sql, verdict);
  }
  return verdict;
}
