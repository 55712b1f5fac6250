import { scanSql } from './sql-tokenizer.js';
import { rememberedPerText } from './text-verdicts.js';

/** The statements that open, end or mark transactions, which only the library may send. */
const CONTROL_KEYWORDS: ReadonlySet<string> = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE']);

/**
 * Whether any statement of `sql` (one statement or a script) is transaction control (`BEGIN`,
 * `COMMIT`, `END`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`), which only the library may send: a
 * `COMMIT` in the middle of a script would end the library's transaction behind its back.
 * Statements are split at `;` as SQLite splits them — the body of a `CREATE TRIGGER`
 * (`BEGIN … END`, with its own `;` and `CASE … END`) belongs to its statement. Verdicts are
 * remembered per SQL text, so a hot statement is scanned once.
 */
export const isTransactionControl: (sql: string) => boolean = rememberedPerText(scanForControl);

function scanForControl(sql: string): boolean {
  let found = false;
  let atStart = true;
  let creating = false;
  let trigger = false;
  let inBody = false;
  let caseDepth = 0;
  scanSql(sql, (type, start, end, value) => {
    if (type === 'punctuation' && end - start === 1 && sql.charCodeAt(start) === 59 /* ; */) {
      if (!inBody) {
        atStart = true;
        creating = trigger = false;
        caseDepth = 0;
      }
      return;
    }
    const keyword = type === 'keyword' ? value : undefined;
    if (atStart) {
      atStart = false;
      if (keyword !== undefined && CONTROL_KEYWORDS.has(keyword)) {
        found = true;
        return false;
      }
      creating = keyword === 'CREATE';
      return;
    }
    if (keyword === undefined) return;
    if (creating && keyword === 'TRIGGER') trigger = true;
    else if (keyword === 'CASE') caseDepth += 1;
    else if (keyword === 'END' && caseDepth > 0) caseDepth -= 1;
    else if (trigger && !inBody && keyword === 'BEGIN') inBody = true;
    else if (inBody && keyword === 'END') inBody = false;
  });
  return found;
}
