/**
 * `npm run example` (examples/node/validator.ts, built): replays a workload into a file, prints
 * the report, and resumes the same file on a second run. Needs the built `dist/`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../dist/examples/node/validator.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const replay = (file: string, events: number) => run(process.execPath, [script, '--db', file, '--events', String(events), '--miners', '12'], { cwd: dir });

describe('the Node validator example', () => {
  it('replays into a file, reports leaderboard, analytics and integrity, and resumes on the next run', async () => {
    const file = join(dir, 'validator.db');
    const first = await replay(file, 1_500);
    expect(first.stdout).toContain('0 events already recorded');
    expect(first.stdout).toMatch(/replayed {3}1,500 events in [\d.]+ s .*refused: none/);
    expect(first.stdout).toContain('Leaderboard: realized pnl');
    expect(first.stdout).toMatch(/│ 0 +│ 1 +│ \d+ +│ '5/);
    expect(first.stdout).toContain('procedure:ledger.recordEvents');
    expect(first.stdout).toContain('suggested: CREATE INDEX IF NOT EXISTS "miners_last_active_idx" ON "miners"(`last_active`)');
    expect(first.stdout).toContain('flowchart LR');
    expect(first.stdout).toContain('PRAGMA integrity_check: ok');

    const second = await replay(file, 500);
    expect(second.stdout).toContain('1,500 events already recorded');
    expect(second.stdout).toMatch(/replayed {3}500 events .*refused: none/);
    expect(second.stdout).toContain('2,000 events in');
  }, 60_000);
});
