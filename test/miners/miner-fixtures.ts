/** Shared fixtures of the miner suites: keys, amounts, a set-up database. */
import { encodeSs58, type DatabaseManager, type ManagerEngine } from 'alphatrade-db';
import { quoteIdentifier } from '../../src/sql/identifiers.js';
import { afterEach } from 'vitest';
import { openDb } from '../support/open-db.js';

/** Whole TAO (or alpha) in rao. */
export const units = (n: number | bigint): bigint => BigInt(n) * 1_000_000_000n;

/** A deterministic valid SS58 key (prefix 42) for `seed`. */
export function key(seed: number): string {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = (seed * 31 + i * 7 + (seed >> 8)) & 0xff;
  bytes[0] = seed & 0xff;
  bytes[1] = (seed >> 8) & 0xff;
  return encodeSs58(bytes);
}

/** The real Alice address (sr25519 //Alice, prefix 42). */
export const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

/** A fresh in-memory database with the schema set up. */
export async function setUpDb(engine: ManagerEngine): Promise<DatabaseManager> {
  const db = openDb(engine);
  await db.setupDatabase();
  return db;
}

/** `open()` for a test: a fresh set-up database, closed after each test. */
export function setUpDbPerTest(engine: ManagerEngine): () => Promise<DatabaseManager> {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  return async () => {
    const db = await setUpDb(engine);
    opened.push(db);
    return db;
  };
}

/** The whole schema as `type name sql`, for before/after comparisons. */
export async function schemaOf(db: DatabaseManager): Promise<string[]> {
  const rows = await db.query<{ type: string; name: string; sql: string | null }>('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name');
  return rows.map((r) => `${r.type} ${r.name} ${r.sql ?? ''}`);
}

/** Every row of every table, as JSON text (bigints as strings), for before/after comparisons. */
export async function contentOf(db: DatabaseManager): Promise<string> {
  const tables = await db.query<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  const dump: Record<string, unknown> = {};
  const text = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  for (const { name } of tables) {
    dump[name] = (await db.query(`SELECT * FROM ${quoteIdentifier(name)}`)).map(text).sort();
  }
  dump.sqlite_sequence = (await db.query('SELECT * FROM sqlite_sequence')).map(text).sort();
  return text(dump);
}
