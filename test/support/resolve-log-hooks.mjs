/** Module hooks (see resolve-log.mjs): append each resolved URL to the file RESOLVE_LOG names. */
import { appendFileSync } from 'node:fs';

/** Resolves as Node does, recording the result. */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.RESOLVE_LOG, `${result.url}\n`);
  return result;
}
