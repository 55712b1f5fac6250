import type { EncodedParamRows } from './param-rows.js';
import type { SnapshotStore } from '../storage/snapshot/snapshot-store.js';
import type { EngineCursor, SyncEngine } from './engine.js';
import type { ResultMeter } from './result-meter.js';
import type { Params, QueryResult, RunResult } from '../api/values.js';
import type { FileLocking } from '../api/database-options.js';

/** An in-memory engine that counts its changes, so unchanged reads save nothing. */
export interface ImageEngine extends SyncEngine {
  /** SQLite's `total_changes()`: rows changed since the connection opened. */
  totalChanges(): bigint;
}

/**
 * Makes an in-memory engine durable by snapshots: after every call that may have written and
 * left no transaction open — an autocommit write, a COMMIT, a script, a procedure — the whole
 * image is saved atomically before the call returns. A write the caller saw succeed is
 * therefore on disk; a crash loses at most the call in flight; a write whose save failed is
 * undone (the last saved image is kept in memory for that). Reads save nothing.
 */
export class SnapshotEngine implements SyncEngine {
  readonly name: SyncEngine['name'];
  readonly sqliteVersion: string;
  readonly fileLocking: FileLocking | undefined;
  readonly #inner: ImageEngine;
  readonly #store: SnapshotStore;
  #savedChanges: bigint;
  /** The image last saved (or loaded): what the database goes back to when a save fails. */
  #savedImage: Uint8Array;
  /** The inner engine's packed-batch path, when it has one. */
  readonly runManyEncoded?: (sql: string, batch: EncodedParamRows) => RunResult;

  /**
   * @param inner - the in-memory engine, loaded with the store's last image
   * @param store - where the snapshots go
   */
  constructor(inner: ImageEngine, store: SnapshotStore) {
    this.#inner = inner;
    this.#store = store;
    this.name = inner.name;
    this.sqliteVersion = inner.sqliteVersion;
    this.fileLocking = store.locking;
    this.#savedChanges = inner.totalChanges();
    this.#savedImage = store.image ?? inner.serialize();
    const encoded = inner.runManyEncoded?.bind(inner);
    if (encoded !== undefined) this.runManyEncoded = (sql, batch) => this.#writing(() => encoded(sql, batch), true);
  }

  exec(sql: string): void {
    this.#writing(() => this.#inner.exec(sql), true);
  }

  query(sql: string, params?: Params, meter?: ResultMeter): QueryResult {
    return this.#writing(() => this.#inner.query(sql, params, meter), false);
  }

  /** A cursor reads only (`db.iterate` takes one statement outside transactions), so it saves nothing. */
  cursor(sql: string, params?: Params): EngineCursor {
    return this.#inner.cursor(sql, params);
  }

  get(sql: string, params?: Params): QueryResult {
    return this.#writing(() => this.#inner.get(sql, params), false);
  }

  run(sql: string, params?: Params): RunResult {
    return this.#writing(() => this.#inner.run(sql, params), true);
  }

  runMany(sql: string, rows: readonly Params[]): RunResult {
    return this.#writing(() => this.#inner.runMany(sql, rows), true);
  }

  begin(): void {
    this.#inner.begin();
  }

  /** Commits, then saves the new image before returning. */
  commit(): void {
    this.#writing(() => this.#inner.commit(), true);
  }

  rollback(): void {
    this.#inner.rollback();
  }

  savepoint(name: string): void {
    this.#inner.savepoint(name);
  }

  release(name: string): void {
    this.#inner.release(name);
  }

  rollbackTo(name: string): void {
    this.#inner.rollbackTo(name);
  }

  inTransaction(): boolean {
    return this.#inner.inTransaction();
  }

  serialize(): Uint8Array {
    return this.#inner.serialize();
  }

  openImage(bytes: Uint8Array): SyncEngine {
    return this.#inner.openImage(bytes);
  }

  /** Replaces the database, then saves the new image as the snapshot before returning (if it cannot, the database stays as it was). */
  replaceWith(bytes: Uint8Array): void {
    this.#inner.replaceWith(bytes);
    this.#save();
  }

  /** Saves the image one last time if anything changed since the last save, then closes. */
  close(): void {
    try {
      if (!this.#inner.inTransaction() && this.#inner.totalChanges() !== this.#savedChanges) this.#save();
    } finally {
      this.#inner.close();
      this.#store.release();
    }
  }

  /**
   * Runs `work`; then, outside a transaction, saves a snapshot when the call may have changed
   * the schema or pragmas (`always`: scripts and run calls) or changed rows. A failed call
   * saves too when it committed part of a script before failing.
   */
  #writing<T>(work: () => T, always: boolean): T {
    try {
      return work();
    } finally {
      if (!this.#inner.inTransaction() && (always || this.#inner.totalChanges() !== this.#savedChanges)) this.#save();
    }
  }

  /**
   * Saves the image. When that fails (the disk is full), the database goes back to the image
   * saved last, so the write the caller sees rejected never reappears in a later save.
   */
  #save(): void {
    const changes = this.#inner.totalChanges();
    const image = this.#inner.serialize();
    try {
      this.#store.save(image);
    } catch (error) {
      this.#inner.replaceWith(this.#savedImage);
      this.#savedChanges = this.#inner.totalChanges();
      throw error;
    }
    this.#savedImage = image;
    this.#savedChanges = changes;
  }
}
