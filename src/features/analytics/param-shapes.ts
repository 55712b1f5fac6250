/**
 * Parameter values as analytics keep them: a copy (only when asked to log values) or NULLs in
 * the same shape (enough to plan a statement without keeping any value).
 *
 * @module
 */

import type { Params } from '../../api/values.js';

/** NULL parameters in the shape of `params`: as many positions, or the same names. */
export function nullParams(params: Params | undefined): Params | undefined {
  if (params === undefined) return undefined;
  if (Array.isArray(params)) return params.map(() => null);
  return Object.fromEntries(Object.keys(params).map((key) => [key, null]));
}

/** A shallow copy of `params`, so later changes by the caller do not show. */
export function copyParams(params: Params): Params {
  return Array.isArray(params) ? params.slice() : { ...params };
}
