/**
 * Database workers start with a clean `execArgv` (issue 19 item 2): flags about how the main
 * script was given (`--input-type`, `-e`, `--test`, `--watch`, …) are dropped, every other flag
 * is kept, and the README's one-liner runs under `node --input-type=module -e`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/platform/worker-exec-argv.js';

const run = promisify(execFile);
const repository = fileURLToPath(new URL('../..', import.meta.url));

describe('worker execArgv', () => {
  it('drops main-script flags (with their values) and keeps the rest', () => {
    expect(
      workerExecArgv([
        '--input-type=module',
        '-e',
        'console.log(1)',
        '--max-old-space-size=4096',
        '--conditions',
        'development',
        '--test',
        '--watch-path',
        'src',
        '--experimental-vm-modules',
        '--import=tsx',
        '--print=1',
      ]),
    ).toEqual(['--max-old-space-size=4096', '--conditions', 'development', '--experimental-vm-modules', '--import=tsx']);
  });

  it('node --input-type=module -e "…" opens a database in a worker and queries it', { timeout: 60_000 }, async () => {
    const script =
      "import { DatabaseManager } from 'alphatrade-db'; const db = DatabaseManager.open(':memory:'); console.log(JSON.stringify([await db.get('SELECT 40 + 2 AS answer'), db.info.host])); await db.close();";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: repository });
    expect(JSON.parse(stdout)).toEqual([{ answer: 42 }, 'worker']);
  });
});
