/**
 * A statement that keeps the engine busy for milliseconds on any machine, for assertions that
 * need a measured time above zero: browsers coarsen a worker's clock to 100 µs, and a cached
 * small statement often reads 0 ms there.
 */
export const BUSY_SQL = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c';
