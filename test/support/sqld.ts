/** The sqld harness the tests share with the bench (bench/sqld.ts). */
export { freePort, startPrimary, startReplica, SQLD_BINARY, type SqldServer } from '../../bench/sqld.js';
