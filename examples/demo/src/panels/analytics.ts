/** The analytics panels: top query patterns, slow queries with plans, index usage and suggestions. */
import type { IndexSuggestion, IndexUsage, QueryPattern, SlowQuery } from 'alphatrade-db';
import { empty, fill, h, table } from '../dom.js';
import { count, ms, oneLine } from './format.js';

const PATTERNS_SHOWN = 8;

/** Renders the patterns with the largest share of engine time into #patterns. */
export function renderPatterns(patterns: readonly QueryPattern[]): void {
  if (patterns.length === 0) return fill('patterns', empty('No statements tracked yet.'));
  fill(
    'patterns',
    table<QueryPattern>(
      [
        { label: 'statement', cell: (p) => h('code', { title: p.normalized }, oneLine(p.normalized, 90)) },
        { label: 'calls', cell: (p) => count(p.calls), numeric: true },
        { label: 'mean', cell: (p) => ms(p.meanMs), numeric: true },
        { label: 'p95', cell: (p) => ms(p.p95Ms), numeric: true },
        {
          label: 'share of time',
          cell: (p) => h('span', { class: 'bar' }, h('span', { style: `width:${Math.max(2, p.timeSharePct).toFixed(1)}%` }), `${p.timeSharePct.toFixed(1)} %`),
        },
      ],
      patterns.slice(0, PATTERNS_SHOWN),
    ),
  );
}

const SLOW_SHOWN = 5;

/** Renders slow queries into #slow-queries: the newest that have a plan first, then the newest others. */
export function renderSlowQueries(logged: readonly SlowQuery[], thresholdMs: number): void {
  const slow = [...logged.filter((q) => q.plan !== null), ...logged.filter((q) => q.plan === null)].slice(0, SLOW_SHOWN);
  fill('slow-threshold', `≥ ${thresholdMs} ms in the engine, with the plan captured after each`);
  if (slow.length === 0) return fill('slow-queries', empty('No statement has been slower than the threshold yet.'));
  fill(
    'slow-queries',
    h(
      'ol',
      { class: 'slow-list' },
      ...slow.map((q) =>
        h(
          'li',
          {},
          h('div', { class: 'slow-head' }, h('b', {}, ms(q.durationMs)), h('code', {}, oneLine(q.sql, 160))),
          q.plan !== null
            ? h('pre', { class: 'plan' }, q.plan.text)
            : h('p', { class: 'muted' }, q.planStatus === 'pending' ? 'plan pending…' : 'no plan: a worker-side procedure or a statement without one'),
        ),
      ),
    ),
  );
}

/** Renders index use, full scans and suggestions into #index-usage; `onApply` creates a suggested index. */
export function renderIndexUsage(usage: IndexUsage, onApply: (suggestion: IndexSuggestion) => void): void {
  const used = usage.indexes.filter((i) => i.uses > 0).sort((a, b) => b.uses - a.uses);
  const unused = usage.indexes.filter((i) => i.unused);
  fill(
    'index-usage',
    h('h3', {}, 'Indexes used'),
    used.length === 0
      ? empty('None yet.')
      : h('ul', { class: 'chips' }, ...used.map((i) => h('li', { title: `${i.table}(${i.columns.join(', ')})` }, i.name, h('b', {}, count(i.uses))))),
    h('p', { class: 'muted' }, `${unused.length} of ${usage.indexes.length} indexes unused by the statements tracked so far.`),
    h('h3', {}, 'Full scans'),
    usage.fullScans.length === 0
      ? empty('None.')
      : h(
          'ul',
          { class: 'plain' },
          ...usage.fullScans.map((s) => h('li', {}, h('b', {}, s.table), ` ×${count(s.calls)} `, h('code', {}, oneLine(s.normalized, 80)))),
        ),
    h('h3', {}, 'Suggestions'),
    usage.suggestions.length === 0
      ? empty('No index would help the statements seen so far.')
      : h(
          'ul',
          { class: 'plain suggestions', 'data-testid': 'suggestions' },
          ...usage.suggestions.map((s) => {
            const apply = h('button', { class: 'small' }, 'Create');
            apply.addEventListener('click', () => onApply(s));
            return h('li', {}, h('code', {}, s.sql), h('p', { class: 'muted' }, s.reason), apply);
          }),
        ),
  );
}
