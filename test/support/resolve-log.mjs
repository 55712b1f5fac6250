/**
 * `node --import` this file to record every module the process resolves: the URLs are appended
 * to the file RESOLVE_LOG names, one a line. Workers inherit the flag, so they record theirs too.
 */
import { register } from 'node:module';

register(new URL('./resolve-log-hooks.mjs', import.meta.url));
