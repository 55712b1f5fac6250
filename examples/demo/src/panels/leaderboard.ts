/** The leaderboard panel: registered miners by realized pnl. */
import { empty, fill, table } from '../dom.js';
import { formatTao, percentOf, type LeaderboardRow } from '../../../shared/validator-simulation.js';
import { shortKey, signedTao } from './format.js';

/** Renders `rows` into #leaderboard; clicking a row calls `onSelect`. */
export function renderLeaderboard(rows: readonly LeaderboardRow[], selected: number | undefined, onSelect: (row: LeaderboardRow) => void): void {
  if (rows.length === 0) return fill('leaderboard', empty('No miners yet.'));
  fill(
    'leaderboard',
    table<LeaderboardRow>(
      [
        { label: '#', cell: (r) => rows.indexOf(r) + 1, numeric: true },
        { label: 'uid', cell: (r) => r.uid, numeric: true },
        { label: 'hotkey', cell: (r) => shortKey(r.hotkey) },
        { label: 'trades', cell: (r) => r.trades, numeric: true },
        { label: 'volume', cell: (r) => `${formatTao(r.volumeTao, 1)} τ`, numeric: true },
        { label: 'realized pnl', cell: (r) => signedTao(r.pnlTao), numeric: true },
        { label: 'roi', cell: (r) => `${percentOf(r.pnlTao, r.costTao).toFixed(2)} %`, numeric: true },
        { label: 'win rate', cell: (r) => (r.trades === 0 ? '–' : `${((100 * r.wins) / r.trades).toFixed(1)} %`), numeric: true },
        { label: 'open', cell: (r) => r.openPositions, numeric: true },
      ],
      rows,
      onSelect,
      (r) => r.minerId === selected,
    ),
  );
}
