/**
 * The behaviour suites — statements, transactions, the miner registry and the FIFO ledger —
 * with the same assertions as locally, against a real sqld primary started on loopback.
 */
import { afterAll, beforeEach } from 'vitest';
import { pointSuitesAtLibsql } from '../support/libsql-target.js';
import { startPrimary } from '../support/sqld.js';
import { wipeServer } from '../support/sqld-wipe.js';

const primary = await startPrimary();
pointSuitesAtLibsql(primary.url);
beforeEach(() => wipeServer(primary.url));
afterAll(() => primary.stop());

await import('../core/statements.shared.test.js');
await import('../core/transactions.shared.test.js');
await import('../miners/registration.shared.test.js');
await import('../miners/ledger.shared.test.js');
await import('../miners/ledger-batch.shared.test.js');
await import('../miners/snapshots.shared.test.js');
