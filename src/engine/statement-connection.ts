/**
 * Transaction control for an engine that runs SQL on one connection of its own (sqlite-wasm,
 * sql.js): each step is the SQL statement of that name. Savepoint names come from the host,
 * never from users.
 */
export abstract class StatementConnection {
  /** Runs a script of statements on the connection. */
  abstract exec(sql: string): void;

  /** `BEGIN IMMEDIATE`. */
  begin(): void {
    this.exec('BEGIN IMMEDIATE');
  }

  /** `COMMIT`. */
  commit(): void {
    this.exec('COMMIT');
  }

  /** `ROLLBACK`. */
  rollback(): void {
    this.exec('ROLLBACK');
  }

  /** `SAVEPOINT name`. */
  savepoint(name: string): void {
    this.exec(`SAVEPOINT ${name}`);
  }

  /** `RELEASE name`. */
  release(name: string): void {
    this.exec(`RELEASE ${name}`);
  }

  /** `ROLLBACK TO name`, then `RELEASE name`. */
  rollbackTo(name: string): void {
    this.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
  }
}
