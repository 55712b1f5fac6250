/**
 * Statement templates and fast-check generators that render one template in many equivalent
 * spellings (literal values, parameter styles, whitespace, comments, keyword case, identifier
 * quoting, IN-list lengths, per-miner table numbers) for the normalizer's property tests.
 */
import fc from 'fast-check';

/** One element of a template. */
export type Part =
  | { readonly kind: 'keyword' | 'identifier' | 'symbol'; readonly text: string }
  | { readonly kind: 'literal' }
  | { readonly kind: 'list' }
  | { readonly kind: 'rows'; readonly columns: number };

/**
 * Parses a template: `$` is a literal, `$$` an IN-list, `@rowsN` two or more VALUES rows of N
 * literals; upper-case words are keywords, lower-case words identifiers (`#` in a name stands
 * for a miner id); anything else is a symbol.
 */
function template(text: string): readonly Part[] {
  return text.split(' ').map((word): Part => {
    if (word === '$') return { kind: 'literal' };
    if (word === '$$') return { kind: 'list' };
    if (word.startsWith('@rows')) return { kind: 'rows', columns: Number(word.slice(5)) };
    if (/^[A-Z]+$/.test(word)) return { kind: 'keyword', text: word };
    if (/^[a-z_#]+$/.test(word)) return { kind: 'identifier', text: word };
    return { kind: 'symbol', text: word };
  });
}

/** The statement shapes the generators render. */
export const TEMPLATES: readonly (readonly Part[])[] = [
  'SELECT * FROM miners WHERE uid = $ AND hotkey = $',
  'SELECT position_id , remaining_alpha FROM miner_#_positions WHERE netuid = $ AND status IN $$ ORDER BY entry_ts LIMIT $ OFFSET $',
  'UPDATE miners SET status = $ , reason = $ WHERE miner_id = $',
  'DELETE FROM miner_#_trades WHERE ts < $ OR tao > $',
  'INSERT INTO miner_#_positions ( netuid , entry_tao ) VALUES @rows2',
  'SELECT count ( * ) FROM miners WHERE status = $ GROUP BY coldkey HAVING count ( * ) > $',
  'SELECT m . uid FROM miners m JOIN miner_#_trades t ON t . netuid = m . uid WHERE t . tao BETWEEN $ AND $ AND m . hotkey NOT IN $$',
  'INSERT INTO kv ( k , v ) VALUES ( $ , $ ) ON CONFLICT ( k ) DO UPDATE SET v = excluded . v',
].map(template);

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);

/** Parameters in every style SQLite accepts. */
const parameterArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant('?'),
  fc.integer({ min: 1, max: 999 }).map((n) => `?${n}`),
  fc.tuple(fc.constantFrom(':', '@', '$'), name).map(([p, n]) => p + n),
);

/**
 * String, blob and number literals. String literals carry a `LIT######` marker so a test can
 * look for them in the output.
 */
export const literalArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.integer({ min: 100000, max: 999999 }), fc.string({ unit: 'binary', maxLength: 12 })).map(([n, s]) => `'LIT${n}${s.split("'").join("''")}'`),
  fc.integer({ min: 0, max: 1e9 }).map(String),
  fc.integer({ min: 1, max: 1e9 }).map((n) => `-${n}`),
  fc.tuple(fc.nat(99999), fc.nat(99999)).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.nat(999), fc.constantFrom('e', 'E', 'e-', 'e+'), fc.nat(300)).map(([a, e, b]) => `${a}${e}${b}`),
  fc.nat(0xffffff).map((n) => `0x${n.toString(16)}`),
  fc.uint8Array({ maxLength: 6 }).map((bytes) => `x'${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}'`),
);

const anyValueArb = fc.oneof(literalArb, parameterArb);

const separatorArb = fc.constantFrom(' ', '  ', '\n', '\t', '\r\n', ' /* note */ ', ' -- note\n');

const keywordArb = (word: string): fc.Arbitrary<string> => fc.constantFrom(word, word.toLowerCase(), word.charAt(0) + word.slice(1).toLowerCase());

const identifierArb = (text: string): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: 1, max: 999999 }), fc.constantFrom('plain', 'upper', 'double', 'bracket', 'backtick')).map(([id, style]) => {
    const spelled = text.replace('#', String(id));
    if (style === 'upper') return spelled.toUpperCase();
    if (style === 'double') return `"${spelled}"`;
    if (style === 'bracket') return `[${spelled}]`;
    if (style === 'backtick') return `\`${spelled}\``;
    return spelled;
  });

const listArb = <T>(value: fc.Arbitrary<T>, min: number, max: number): fc.Arbitrary<T[]> => fc.array(value, { minLength: min, maxLength: max });

/** The tokens of one part, as arbitraries of their spelling. */
function partTokens(part: Part, value: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  switch (part.kind) {
    case 'keyword':
      return keywordArb(part.text).map((w) => [w]);
    case 'identifier':
      return identifierArb(part.text).map((w) => [w]);
    case 'symbol':
      return fc.constant([part.text]);
    case 'literal':
      return value.map((v) => [v]);
    case 'list':
      return listArb(value, 1, 5).map((items) => ['(', ...items.flatMap((v, i) => (i === 0 ? [v] : [',', v])), ')']);
    case 'rows':
      return listArb(listArb(value, part.columns, part.columns), 2, 4).map((rows) =>
        rows.flatMap((row, r) => [...(r === 0 ? [] : [',']), '(', ...row.flatMap((v, i) => (i === 0 ? [v] : [',', v])), ')']),
      );
  }
}

const tight = (token: string): boolean => token === '(' || token === ')' || token === ',';

/** Renders a template in a random equivalent spelling; `value` draws literals / parameters. */
export function renderingArb(parts: readonly Part[], value: fc.Arbitrary<string> = anyValueArb): fc.Arbitrary<string> {
  return fc
    .tuple(...parts.map((part) => partTokens(part, value)))
    .map((groups) => groups.flat())
    .chain((tokens) =>
      fc.tuple(fc.array(fc.oneof(separatorArb, fc.constant('')), { minLength: tokens.length, maxLength: tokens.length }), fc.constantFrom('', ';', ' ;')).map(
        ([seps, end]) =>
          tokens
            .map((token, i) => {
              const prev = tokens[i - 1];
              if (prev === undefined) return token;
              const sep = seps[i] ?? ' ';
              return (sep === '' && !tight(token) && !tight(prev) ? ' ' : sep) + token;
            })
            .join('') + end,
      ),
    );
}

/** The plainest spelling of a template: upper-case keywords, `?` for every value. */
export function renderTemplate(parts: readonly Part[]): string {
  return parts
    .map((part) => {
      if (part.kind === 'literal') return '?';
      if (part.kind === 'list') return '(?)';
      if (part.kind === 'rows') return Array.from({ length: 2 }, () => `(${Array(part.columns).fill('?').join(', ')})`).join(', ');
      return part.kind === 'identifier' ? part.text.replace('#', '1') : part.text;
    })
    .join(' ');
}
