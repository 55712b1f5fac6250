import type { SqlToken } from '../../sql/sql-tokenizer.js';

/** True for an identifier token, bare or quoted. */
export function isName(token: SqlToken | undefined): token is SqlToken {
  return token?.type === 'identifier' || token?.type === 'quoted-identifier';
}

/** True for the punctuation token `text`. */
export function isPunct(token: SqlToken | undefined, text: string): boolean {
  return token?.type === 'punctuation' && token.text === text;
}

/** True for the keyword `word` (upper case). */
export function isKeyword(token: SqlToken | undefined, word: string): boolean {
  return token?.type === 'keyword' && token.value === word;
}
