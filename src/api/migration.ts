import type { Session } from './session.js';

/** One schema step. Versions start at 1 and increase by one. */
export interface Migration {
  /** The `PRAGMA user_version` this migration brings the database to. */
  readonly version: number;
  /** What it does, for logs and errors. */
  readonly name: string;
  /** Applies the step inside the migration's transaction. */
  readonly up: (session: Session) => Promise<void>;
}
