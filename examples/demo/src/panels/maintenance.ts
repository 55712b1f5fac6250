/**
 * The maintenance panel. It calls `db.maintenance` (integrity, optimize, archive with a progress
 * bar, backup download, restore from a file) where the library has it, feature-detected, and
 * says "not available" for each action it lacks. The integrity check falls back to
 * `PRAGMA integrity_check` and `PRAGMA foreign_key_check`.
 */
import type { DatabaseManager } from 'alphatrade-db';
import { fill, h } from '../dom.js';

/** The maintenance calls the panel uses, each optional until the layer lands. */
interface MaintenanceCalls {
  verifyIntegrity?(): Promise<{ readonly ok: boolean; readonly problems: readonly unknown[] }>;
  optimize?(): Promise<unknown>;
  archive?(options: { readonly before: Date; readonly batchSize?: number; readonly onProgress?: (progress: unknown) => void }): Promise<unknown>;
  backup?(destination?: unknown): Promise<unknown>;
  restore?(source: unknown): Promise<unknown>;
}

/** What the panel needs from the page. */
export interface MaintenanceHost {
  readonly db: DatabaseManager;
  /** The simulation's clock (epoch ms): archival keeps the latest hour of simulated time. */
  readonly clock: () => number;
  /** Called after an action changed the data (archive, restore, optimize). */
  readonly onChanged: () => Promise<void>;
}

const text = (value: unknown): string => {
  const json = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1) ?? String(value);
  return json.length > 600 ? `${json.slice(0, 599)}…` : json;
};

/** 0..1 from whatever progress shape `archive` reports (a fraction, or done/total counts). */
function fractionOf(progress: unknown): number | undefined {
  if (typeof progress === 'number') return progress <= 1 ? progress : undefined;
  if (typeof progress !== 'object' || progress === null) return undefined;
  const p = progress as Record<string, unknown>;
  const done = Number(p.done ?? p.processed ?? p.archived ?? p.completed);
  const total = Number(p.total ?? p.of);
  return Number.isFinite(done) && Number.isFinite(total) && total > 0 ? done / total : undefined;
}

async function pragmaIntegrity(db: DatabaseManager): Promise<{ ok: boolean; problems: string[] }> {
  const integrity = await db.query<{ integrity_check: string }>('PRAGMA integrity_check');
  const foreignKeys = await db.query<Record<string, unknown>>('PRAGMA foreign_key_check');
  const problems = [...integrity.map((r) => r.integrity_check).filter((line) => line !== 'ok'), ...foreignKeys.map((r) => `foreign key: ${text(r)}`)];
  return { ok: problems.length === 0, problems };
}

function bytesOf(value: unknown): Blob | undefined {
  if (value instanceof Blob) return value;
  if (value instanceof Uint8Array) return new Blob([value.slice()], { type: 'application/vnd.sqlite3' });
  if (value instanceof ArrayBuffer) return new Blob([value], { type: 'application/vnd.sqlite3' });
  if (typeof value === 'object' && value !== null && 'bytes' in value) return bytesOf((value as { bytes: unknown }).bytes);
  return undefined;
}

/** Builds the panel into #maintenance. */
export function renderMaintenance(host: MaintenanceHost): void {
  const maintenance = (host.db as unknown as { maintenance?: MaintenanceCalls }).maintenance;
  const output = h('pre', { class: 'result', 'data-testid': 'maintenance-result' }, 'Pick an action.');
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'data-testid': 'archive-progress' });
  const say = (line: string, tone?: 'ok' | 'bad'): void => {
    output.textContent = line;
    output.className = `result ${tone ?? ''}`;
  };
  const action = (label: string, available: boolean, testId: string, run: () => Promise<void>): HTMLButtonElement => {
    const button = h(
      'button',
      { 'data-testid': testId, disabled: !available, title: available ? undefined : 'not available in this build of the library' },
      label,
    );
    button.addEventListener('click', () => {
      button.disabled = true;
      say(`${label}…`);
      run()
        .catch((error: unknown) =>
          say(`${label} failed: ${error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error)}`, 'bad'),
        )
        .finally(() => {
          button.disabled = false;
        });
    });
    return button;
  };

  const integrity = action('Integrity check', true, 'integrity-check', async () => {
    const report = maintenance?.verifyIntegrity !== undefined ? await maintenance.verifyIntegrity() : await pragmaIntegrity(host.db);
    const via = maintenance?.verifyIntegrity !== undefined ? 'verifyIntegrity()' : 'PRAGMA integrity_check + foreign_key_check';
    say(
      report.ok ? `integrity: ok ✓ (${via})` : `integrity: ${report.problems.length} problem(s) (${via})\n${text(report.problems)}`,
      report.ok ? 'ok' : 'bad',
    );
  });
  const optimize = action('Optimize', maintenance?.optimize !== undefined, 'optimize', async () => {
    const result = await maintenance?.optimize?.();
    await host.onChanged();
    say(`optimize: ${text(result)}`, 'ok');
  });
  const archive = action('Archive closed (older than 1 h)', maintenance?.archive !== undefined, 'archive', async () => {
    progress.hidden = false;
    progress.value = 0;
    const result = await maintenance?.archive?.({
      before: new Date(host.clock() - 3_600_000),
      batchSize: 200,
      onProgress: (p) => {
        const fraction = fractionOf(p);
        if (fraction !== undefined) progress.value = fraction;
        say(`archiving… ${text(p)}`);
      },
    });
    progress.value = 1;
    await host.onChanged();
    say(`archive: ${text(result)}`, 'ok');
  });
  const backup = action('Download backup', maintenance?.backup !== undefined, 'backup', async () => {
    const result = await maintenance?.backup?.();
    const blob = bytesOf(result);
    if (blob === undefined) return say(`backup: ${text(result)}`, 'ok');
    const link = h('a', { href: URL.createObjectURL(blob), download: `alphatrade-demo-${new Date().toISOString().slice(0, 19)}.sqlite3` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    say(`backup: ${blob.size.toLocaleString('en-US')} bytes downloaded`, 'ok');
  });
  const file = h('input', { type: 'file', accept: '.sqlite3,.db,.sqlite,application/octet-stream', hidden: true });
  const restore = action('Restore from file…', maintenance?.restore !== undefined, 'restore', async () => {
    file.click();
    say('choose a backup file…');
  });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) return;
    void chosen
      .arrayBuffer()
      .then(async (buffer) => {
        say(`restoring ${chosen.name}…`);
        const result = await maintenance?.restore?.(new Uint8Array(buffer));
        await host.onChanged();
        say(`restore: ${text(result ?? 'done')}`, 'ok');
      })
      .catch((error: unknown) => say(`restore failed: ${error instanceof Error ? error.message : String(error)}`, 'bad'))
      .finally(() => {
        file.value = '';
      });
  });

  fill(
    'maintenance',
    h(
      'p',
      { class: 'muted' },
      maintenance === undefined
        ? 'db.maintenance is not available in this build of the library: the integrity check uses PRAGMAs; the other actions are disabled.'
        : 'db.maintenance: checks, optimization, archival and backups, running in the worker.',
    ),
    h('div', { class: 'actions' }, integrity, optimize, archive, backup, restore, file),
    progress,
    output,
  );
}
