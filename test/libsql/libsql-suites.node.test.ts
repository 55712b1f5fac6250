/**
 * The behaviour suites — statements, transactions, the miner registry and the FIFO ledger —
 * with the same assertions as locally, against a real sqld primary started on loopback. The
 * ledger's property suite (200 random sequences) is left out: over sqld it runs past 5 minutes.
 */
import { afterAll, afterEach, vi } from 'vitest';
import { pointSuitesAtLibsql } from '../support/libsql-target.js';
import { startPrimary } from '../support/sqld.js';
import { wipeServer } from '../support/sqld-wipe.js';

// sqld opens a SQLite connection, and parses the whole schema, per request: with 256 miners'
// tables (~3,000 schema objects) each request costs tens of ms, so the 256-miner test needs
// more than the default 30 s here (docs/libsql.md, "Schema size").
vi.setConfig({ testTimeout: 180_000 });

const primary = await startPrimary();
pointSuitesAtLibsql(primary.url);
afterEach(() => wipeServer(primary.url));
afterAll(() => primary.stop());

await import('../core/statements.shared.test.js');
await import('../core/transactions.shared.test.js');
await import('../miners/registration.shared.test.js');
await import('../miners/ledger.shared.test.js');
await import('../miners/ledger-batch.shared.test.js');
await import('../miners/snapshots.shared.test.js');
await import('../analytics/procedure-tracking.shared.test.js');
