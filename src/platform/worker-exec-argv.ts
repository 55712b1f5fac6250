/**
 * The Node flags a database worker inherits. A worker gets the process's `execArgv` by default,
 * and some flags describe how the main script was given or run, not how code behaves; in a
 * worker they crash it at start (`--input-type` → `ERR_INPUT_TYPE_NOT_ALLOWED`) or make it do
 * something else (`--test`, `--watch`, `--check`). Those are dropped; every other flag — loaders,
 * conditions, experimental features, memory limits — is kept, since the worker's code may need it.
 */

/** Flags that take a value (`--flag value` or `--flag=value`) and are dropped with it. */
const DROPPED_WITH_VALUE = new Set([
  '--input-type',
  '--eval',
  '-e',
  '--print',
  '-p',
  '--watch-path',
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-shard',
  '--test-timeout',
]);
/** Flags without a value that are dropped. */
const DROPPED = new Set([
  '--test',
  '--test-only',
  '--watch',
  '--watch-preserve-output',
  '--check',
  '-c',
  '--interactive',
  '-i',
  '--experimental-test-coverage',
]);

/**
 * `execArgv` without the flags that only make sense for the main script.
 * @param execArgv - the process's flags (`process.execArgv`)
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i] as string;
    const name = flag.includes('=') ? flag.slice(0, flag.indexOf('=')) : flag;
    if (DROPPED.has(name)) continue;
    if (DROPPED_WITH_VALUE.has(name)) {
      if (!flag.includes('=')) i += 1;
      continue;
    }
    kept.push(flag);
  }
  return kept;
}
