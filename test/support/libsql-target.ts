/**
 * Which libSQL server the behaviour suites run against, if any. A Node test file sets it before
 * it imports the suites (test/libsql/libsql-suites.node.test.ts); open-db.ts reads it once.
 */
const LIBSQL_URL = Symbol.for('alphatrade-db.test.libsql-url');

/** The server the suites run against, when a test file pointed them at one. */
export function libsqlUrl(): string | undefined {
  return (globalThis as Record<symbol, string | undefined>)[LIBSQL_URL];
}

/** Points the behaviour suites imported after this call at a libSQL server instead of the local engines. */
export function pointSuitesAtLibsql(url: string): void {
  (globalThis as Record<symbol, string | undefined>)[LIBSQL_URL] = url;
}
