/**
 * The last error sqlite-wasm's own JavaScript VFSes reported. Their I/O methods catch every
 * exception and return a bare `SQLITE_IOERR`; the exception itself goes only to the module's
 * `config.error` logger. Installing this log as that logger (through `globalThis.sqlite3ApiConfig`,
 * the documented hook, read once when the module boots) keeps the exception so a generic I/O
 * error can be explained — a full OPFS quota, above all. The `opfs` VFS's proxy worker sends its
 * exceptions back as text (`"QuotaExceededError: …"`), which is parsed into the same shape.
 */

let lastError: { readonly name: string; readonly message: string } | undefined;

/** An exception the `opfs` VFS's proxy worker passed back as text: `"<Name>Error: <message>"`. */
const SERIALIZED_EXCEPTION = /^(\w*(?:Error|Exception)): ([\s\S]*)$/;

function record(...args: unknown[]): void {
  let found: { name: string; message: string } | undefined;
  for (const arg of args) {
    if (typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string') {
      found = arg as { name: string; message: string };
    }
  }
  if (found === undefined) {
    for (const arg of args) {
      const parts = typeof arg === 'string' ? SERIALIZED_EXCEPTION.exec(arg) : null;
      if (parts !== null) found = { name: parts[1] ?? 'Error', message: parts[2] ?? '' };
    }
  }
  if (found !== undefined) lastError = found;
}

/**
 * Makes the next sqlite-wasm module boot report its VFS errors here, with `config` (other
 * settings of `sqlite3ApiConfig`) beside the logger. Call before `sqlite3InitModule`.
 */
export function installVfsErrorLog(config: object = {}): void {
  (globalThis as { sqlite3ApiConfig?: object }).sqlite3ApiConfig = { ...config, error: record };
}

/** Returns the last reported VFS error (its `name` and `message`) and forgets it. */
export function takeVfsError(): { readonly name: string; readonly message: string } | undefined {
  const error = lastError;
  lastError = undefined;
  return error;
}
