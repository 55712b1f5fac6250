/** One miner's open positions (FIFO order) and latest closes. */
import type { DatabaseManager } from 'alphatrade-db';
import { empty, fill, h, table } from '../dom.js';
import { formatTao } from '../../../shared/validator-simulation.js';
import { shortKey, signedTao } from './format.js';

const CLOSES_SHOWN = 8;
const POSITIONS_SHOWN = 8;

/** Loads miner `minerId`'s positions and closes and renders them into #miner-detail. */
export async function renderMinerDetail(db: DatabaseManager, minerId: number): Promise<void> {
  const [miner, open, closes] = await Promise.all([
    db.miners.getMiner({ minerId }),
    db.miners.getPositions(minerId, { status: ['open', 'partial'], limit: POSITIONS_SHOWN }),
    db.miners.getPositionTrades(minerId),
  ]);
  if (miner === undefined) return fill('miner-detail', empty('This miner is gone.'));
  fill('miner-title', `uid ${miner.uid}`);
  fill(
    'miner-detail',
    h(
      'p',
      { class: 'summary' },
      shortKey(miner.hotkey),
      ` · ${miner.status}${miner.isRegistered ? '' : ' (deregistered)'} · ${miner.totalTrades} trades · `,
      signedTao(miner.realizedPnlTao),
      ` · holds ${miner.currentPositions} open`,
    ),
    h('h3', {}, 'Open positions ', h('small', {}, 'oldest first: the next unstake closes these')),
    open.length === 0
      ? empty('No open positions.')
      : table(
          [
            { label: 'id', cell: (p) => p.positionId, numeric: true },
            { label: 'netuid', cell: (p) => p.netuid, numeric: true },
            { label: 'entry', cell: (p) => `${formatTao(p.entryTao, 2)} τ`, numeric: true },
            { label: 'alpha left', cell: (p) => `${formatTao(p.remainingAlpha, 1)} / ${formatTao(p.entryAlpha, 1)} α`, numeric: true },
            { label: 'status', cell: (p) => h('span', { class: `pill ${p.status}` }, p.status) },
          ],
          open,
        ),
    h('h3', {}, 'Latest closes ', h('small', {}, 'FIFO slices of unstakes')),
    closes.length === 0
      ? empty('No unstakes yet.')
      : table(
          [
            { label: 'trade', cell: (c) => c.tradeId, numeric: true },
            { label: 'pos.', cell: (c) => c.positionId, numeric: true },
            { label: 'alpha', cell: (c) => `${formatTao(c.alphaAmount, 1)} α`, numeric: true },
            { label: 'pnl', cell: (c) => signedTao(c.pnlTao), numeric: true },
            { label: 'roi', cell: (c) => `${c.roiPct.toFixed(2)} %`, numeric: true },
            { label: 'held', cell: (c) => `${Math.round(c.durationSec / 60)} min`, numeric: true },
            { label: '', cell: (c) => (c.closesPosition ? h('span', { class: 'pill closed' }, 'closed') : '') },
          ],
          closes.slice(-CLOSES_SHOWN).reverse(),
        ),
  );
}
