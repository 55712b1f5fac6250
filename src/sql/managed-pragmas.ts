import { scanSql } from './sql-tokenizer.js';
import { rememberedPerText } from './text-verdicts.js';

/** `synchronous` values that keep every committed transaction through a crash or power loss. */
const DURABLE_SYNCHRONOUS: ReadonlySet<string> = new Set(['FULL', 'EXTRA', '2', '3']);

/** Why each managed pragma may not be set by a statement. */
const REASONS: Readonly<Record<string, string>> = {
  journal_mode:
    'PRAGMA journal_mode is managed by the library: choose it with the journalMode option ("delete" or "wal"). Other modes (MEMORY, OFF, TRUNCATE, PERSIST) let a crash corrupt the file.',
  locking_mode: 'PRAGMA locking_mode is managed by the library (it follows journalMode and the storage); other connections depend on it.',
  synchronous: 'PRAGMA synchronous below FULL lets a crash or power loss lose or corrupt committed transactions; the library keeps FULL (EXTRA is accepted).',
};

/**
 * Why `sql` may not run, when one of its statements sets a pragma the library's durability
 * depends on — `journal_mode`, `locking_mode`, or `synchronous` below FULL — else undefined.
 * Reading them (`PRAGMA journal_mode`) is fine. Remembered per SQL text.
 */
export const managedPragmaRefusal: (sql: string) => string | undefined = rememberedPerText(scanForManagedPragma);

function scanForManagedPragma(sql: string): string | undefined {
  let refusal: string | undefined;
  /** Where the scan is in the current statement: 0 at its start, then through `PRAGMA [schema.]name = value`. */
  let step = 0;
  let name = '';
  scanSql(sql, (type, start, end, value) => {
    const text = value ?? sql.slice(start, end);
    if (type === 'punctuation' && text === ';') {
      step = 0;
      return;
    }
    switch (step) {
      case 0:
        step = type === 'keyword' && text === 'PRAGMA' ? 1 : -1;
        return;
      case 1:
        name = text.toLowerCase();
        step = 2;
        return;
      case 2:
        if (text === '.') step = 1;
        else if (text === '=' || text === '(') step = 3;
        else step = -1;
        return;
      case 3: {
        step = -1;
        const reason = REASONS[name];
        if (reason === undefined) return;
        if (name === 'synchronous' && DURABLE_SYNCHRONOUS.has(text.toUpperCase())) return;
        refusal = reason;
        return false;
      }
      default:
        return;
    }
  });
  return refusal;
}
