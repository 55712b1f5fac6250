/**
 * Hostile identifier strings through src/sql/identifiers.ts, checked against the schema as the
 * oracle (reliability.md §5 row 15): a name reaches SQL only quoted, the schema changes only as
 * intended, and a wrong column name is an error on both engines, never a string value (sql.js's
 * double-quoted-string misfeature).
 */
import fc from 'fast-check';
import { isDatabaseError, type DatabaseManager } from 'alphatrade-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GENERATED_NAME,
  assertGeneratedName,
  minerIndexName,
  minerTableName,
  minerTables,
  quoteColumn,
  quoteIdentifier,
  MINER_TABLE_KINDS,
} from '../../src/sql/identifiers.js';
import { LOCAL_ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

/** Pieces that break naive quoting, plus SQL keywords, reserved prefixes and confusables. */
const HOSTILE_PIECES = [
  '"',
  "'",
  '`',
  '[',
  ']',
  ';',
  '--',
  '/*',
  '*/',
  ' ',
  '\n',
  '\t',
  'DROP TABLE sentinel',
  'sentinel',
  'SENTINEL',
  'sqlite_',
  'SELECT',
  'rowid',
  '\u0430',
  '\u200b',
  '\\',
  '%',
  '$1',
  '?',
  ':x',
  '\u0000',
];

/** Hostile identifier strings: hostile pieces and arbitrary Unicode, sometimes long. */
const hostileName = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(10_000), `${'"'.repeat(5000)}`, 'a"; DROP TABLE sentinel; --') },
);

type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null };

async function schema(db: DatabaseManager): Promise<SchemaRow[]> {
  return db.query<SchemaRow>('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name');
}

const RUNS = 60;

describe.each(LOCAL_ENGINES)('hostile identifiers against the schema (%s)', (engine) => {
  let db: DatabaseManager;
  let baseline: SchemaRow[];
  beforeAll(async () => {
    db = openDb(engine);
    await db.exec('CREATE TABLE sentinel(v INTEGER); INSERT INTO sentinel VALUES (42)');
    baseline = await schema(db);
  });
  afterAll(async () => db.close());

  it('a quoted hostile table name creates exactly that table, or fails typed and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileName, async (name) => {
        let quoted: string;
        try {
          quoted = quoteIdentifier(name);
        } catch (error) {
          expect(isDatabaseError(error) && error.code === 'INVALID_ARGUMENT' && (name === '' || name.includes('\u0000'))).toBe(true);
          return;
        }
        const created = await db.exec(`CREATE TABLE ${quoted}(${quoteColumn(name)} INTEGER)`).then(
          () => true,
          (error: unknown) => {
            expect(isDatabaseError(error)).toBe(true);
            return false;
          },
        );
        const after = await schema(db);
        if (!created) {
          expect(after).toEqual(baseline);
          expect(name.toLowerCase() === 'sentinel' || name.toLowerCase().startsWith('sqlite_')).toBe(true);
          return;
        }
        expect(after.filter((row) => !baseline.some((b) => b.name === row.name)).map((row) => [row.type, row.name])).toEqual([['table', name]]);
        await db.execute(`INSERT INTO ${quoted}(${quoteColumn(name)}) VALUES (?)`, [7]);
        expect(await db.query(`SELECT ${quoteColumn(name)} AS v FROM ${quoted}`)).toEqual([{ v: 7 }]);
        await db.exec(`DROP TABLE ${quoted}`);
        expect(await schema(db)).toEqual(baseline);
        expect(await db.query('SELECT v FROM sentinel')).toEqual([{ v: 42 }]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a backtick-quoted column that does not exist is an error, never a string value', async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS probe(a INTEGER)');
    await db.exec('DELETE FROM probe; INSERT INTO probe VALUES (1)');
    await fc.assert(
      fc.asyncProperty(
        hostileName.filter(
          (name) => name !== '' && !name.includes('\u0000') && name.toLowerCase() !== 'a' && !['rowid', 'oid', '_rowid_'].includes(name.toLowerCase()),
        ),
        async (name) => {
          const error = await rejection(db.query(`SELECT ${quoteColumn(name)} AS v FROM probe`));
          expect(error.code).toBe('SQLITE_ERROR');
          expect(error.message).toMatch(/no such column/);
        },
      ),
      { numRuns: RUNS },
    );
    await db.exec('DROP TABLE probe');
  });

  it('ASCII case variants of an existing table name collide loudly instead of sharing the table', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-zA-Z]{1,12}$/), async (word) => {
        const name = `t_${word}`;
        await db.exec(`CREATE TABLE ${quoteIdentifier(name)}(v)`);
        const variant = name.toUpperCase() === name ? name.toLowerCase() : name.toUpperCase();
        expect((await rejection(db.exec(`CREATE TABLE ${quoteIdentifier(variant)}(v)`))).message).toMatch(/already exists/);
        await db.exec(`DROP TABLE ${quoteIdentifier(name)}`);
        expect(await schema(db)).toEqual(baseline);
      }),
      { numRuns: 20 },
    );
  });
});

describe('generated names', () => {
  it('per-miner table and index names come only from a valid minerId and match the generated-name pattern', () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom(...MINER_TABLE_KINDS), (minerId, kind) => {
        let name: string;
        try {
          name = minerTableName(minerId as number, kind);
        } catch (error) {
          expect(isDatabaseError(error) && error.code === 'INVALID_ARGUMENT').toBe(true);
          expect(typeof minerId === 'number' && Number.isSafeInteger(minerId) && minerId >= 1).toBe(false);
          return;
        }
        expect(name).toBe(`miner_${String(minerId)}_${kind}`);
        expect(GENERATED_NAME.test(name)).toBe(true);
        expect(minerTables(minerId as number).positions).toBe(`"miner_${String(minerId)}_positions"`);
      }),
      { numRuns: 500 },
    );
  });

  it('assertGeneratedName accepts exactly the generated-name pattern; index purposes are checked', () => {
    fc.assert(
      fc.property(hostileName, (name) => {
        const accepted = (() => {
          try {
            return assertGeneratedName(name) === name;
          } catch {
            return false;
          }
        })();
        expect(accepted).toBe(/^[a-z_][a-z0-9_]{0,62}$/.test(name));
        const full = `miner_1_positions_${name}`;
        if (/^[a-z_]+$/.test(name) && full.length <= 63) expect(minerIndexName(1, 'positions', name)).toBe(full);
        else expect(() => minerIndexName(1, 'positions', name)).toThrow(/Bad index purpose|Generated identifier/);
      }),
      { numRuns: 500 },
    );
  });
});
