import type { CursorPage, Engine, EngineCursor } from '../engine/engine.js';
import { ResultMeter } from '../engine/result-meter.js';
import type { Params } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';
import type { DatabaseLimits } from '../api/limits.js';

/** Cursors one connection may hold open at a time. */
const MAX_OPEN_CURSORS = 16;
/** Rows per page when the caller names no page size (capped by `maxResultRows`). */
const DEFAULT_PAGE_SIZE = 500;

/**
 * The open cursors of one connection (`db.iterate`). Each holds its own prepared statement
 * between pages; a page is limited by the page size and, like any result, by the result limits.
 * A cursor closes itself when its statement is done or fails.
 */
export class CursorTable {
  readonly #engine: Engine;
  readonly #limits: DatabaseLimits;
  readonly #open = new Map<number, EngineCursor>();
  #nextId = 1;

  /**
   * @param engine - the engine cursors are opened on
   * @param limits - the result limits each page is held to
   */
  constructor(engine: Engine, limits: DatabaseLimits) {
    this.#engine = engine;
    this.#limits = limits;
  }

  /**
   * Opens a cursor and reads its first page.
   * @throws DatabaseError `LIMIT_EXCEEDED` when too many cursors are open or a page is too large; `INVALID_ARGUMENT` for a bad page size
   */
  async open(
    sql: string,
    params: Params | undefined,
    pageSize: number | undefined,
  ): Promise<CursorPage & { readonly cursor: number; readonly columns: string[] }> {
    this.#pageSize(pageSize);
    if (this.#open.size >= MAX_OPEN_CURSORS) {
      throw new DatabaseError('LIMIT_EXCEEDED', `${MAX_OPEN_CURSORS} cursors are already open; finish or break out of an iteration first.`);
    }
    const cursor = await this.#engine.cursor(sql, params);
    const id = this.#nextId++;
    this.#open.set(id, cursor);
    const page = this.fetch(id, pageSize);
    return { cursor: id, columns: cursor.columns, ...page };
  }

  /**
   * Reads the next page of cursor `id`.
   * @throws DatabaseError `INVALID_ARGUMENT` for an unknown or closed cursor; the engine's error (the cursor is then closed)
   */
  fetch(id: number, pageSize: number | undefined): CursorPage {
    const size = this.#pageSize(pageSize);
    const cursor = this.#open.get(id);
    if (cursor === undefined) throw new DatabaseError('INVALID_ARGUMENT', 'This cursor is closed; start a new iteration.');
    try {
      const page = cursor.next(size, new ResultMeter({ maxRows: this.#limits.maxResultRows, maxBytes: this.#limits.maxResultBytes }));
      if (page.done) this.close(id);
      return page;
    } catch (error) {
      this.close(id);
      throw error;
    }
  }

  /** Closes cursor `id` (unknown ids are ignored). */
  close(id: number): void {
    const cursor = this.#open.get(id);
    if (cursor === undefined) return;
    this.#open.delete(id);
    cursor.close();
  }

  /** Closes every cursor (before the connection closes). */
  closeAll(): void {
    for (const id of [...this.#open.keys()]) this.close(id);
  }

  /** The page size to use: the caller's, checked, or the default. */
  #pageSize(pageSize: number | undefined): number {
    const size = pageSize ?? Math.min(DEFAULT_PAGE_SIZE, this.#limits.maxResultRows);
    if (!Number.isSafeInteger(size) || size < 1 || size > this.#limits.maxResultRows) {
      throw new DatabaseError('INVALID_ARGUMENT', `pageSize must be an integer from 1 to ${this.#limits.maxResultRows}.`);
    }
    return size;
  }
}
