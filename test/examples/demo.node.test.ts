/**
 * The browser demo (examples/demo), built with Vite and served with the headers it asks for,
 * driven in Debian's Chromium: the simulation fills the leaderboard and the analytics panels,
 * the integrity check passes, a reload keeps the data when the page reports OPFS storage (and
 * starts over when it reports memory), and the page logs no console errors. The screenshot is
 * saved to test-artifacts/demo.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from '../support/chromium.js';
import { serveStatic, type StaticServer } from '../support/static-server.js';

const demoConfig = fileURLToPath(new URL('../../examples/demo/vite.config.ts', import.meta.url));
const demoDist = fileURLToPath(new URL('../../examples/demo/dist', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts', import.meta.url));
const EVENTS_BEFORE_PAUSE = 1_500;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  await build({ configFile: demoConfig, logLevel: 'warn' });
  server = await serveStatic(demoDist, {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const ready = (page: Page) => page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
const events = async (page: Page): Promise<number> => Number(await page.getAttribute('#event-count', 'data-events'));
const rowsOf = (page: Page, panel: string) => page.locator(`[data-testid="${panel}"] tbody tr`).count();

/** Clicks a maintenance action and returns the panel's answer once it has one. */
async function maintenanceAction(page: Page, testId: string, answer: string): Promise<string> {
  await page.click(`[data-testid="${testId}"]`);
  await page.waitForFunction(
    (prefix) => {
      const text = document.querySelector('[data-testid="maintenance-result"]')?.textContent ?? '';
      return text.startsWith(prefix) || text.includes('failed');
    },
    answer,
    { timeout: 60_000 },
  );
  return (await page.textContent('[data-testid="maintenance-result"]')) ?? '';
}

/**
 * Each maintenance action the page enables (the library has it) runs without failing: optimize,
 * archive (its progress bar full), a backup download, and a restore of that backup. Actions the
 * library lacks are disabled, and the panel says so.
 */
async function exerciseMaintenance(page: Page, recorded: number): Promise<void> {
  const enabled = async (testId: string): Promise<boolean> => page.isEnabled(`[data-testid="${testId}"]`);
  const actions = ['optimize', 'archive', 'backup', 'restore'];
  const available = await Promise.all(actions.map(enabled));
  if (available.includes(false)) expect(await page.textContent('[data-testid="maintenance"]')).toContain('not available');
  if (await enabled('optimize')) expect(await maintenanceAction(page, 'optimize', 'optimize:')).not.toContain('failed');
  if (await enabled('archive')) {
    expect(await maintenanceAction(page, 'archive', 'archive:')).not.toContain('failed');
    expect(await page.getAttribute('[data-testid="archive-progress"]', 'value')).toBe('1');
  }
  let backupFile: string | undefined;
  if (await enabled('backup')) {
    const download = page.waitForEvent('download', { timeout: 60_000 });
    const answer = await maintenanceAction(page, 'backup', 'backup:');
    expect(answer).not.toContain('failed');
    if (answer.includes('downloaded')) {
      backupFile = join(artifacts, 'demo-backup.sqlite3');
      await (await download).saveAs(backupFile);
    }
  }
  if (backupFile !== undefined && (await enabled('restore'))) {
    await page.setInputFiles('[data-testid="maintenance"] input[type="file"]', backupFile);
    await page.waitForSelector('[data-testid="maintenance-result"]:text-matches("^restore(:| failed)")', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="maintenance-result"]')).not.toContain('failed');
    expect(await events(page)).toBe(recorded);
  }
}

describe('the demo page', () => {
  // A simulation, four maintenance actions and a reload in a second Chromium: 65 s seen on a loaded CI machine.
  it('simulates a validator, shows leaderboard and analytics, checks integrity, and keeps or resets its data on reload as its storage says', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors = collectPageErrors(page);
    await page.goto(`${server.origin}/`);
    await ready(page);
    const storage = await page.getAttribute('[data-testid="storage-mode"]', 'data-storage');
    expect(['opfs', 'memory']).toContain(storage);
    const startedAt = await events(page);

    await page.click('[data-testid="run"]');
    await page.waitForFunction((target) => Number(document.getElementById('event-count')?.dataset.events) >= target, startedAt + EVENTS_BEFORE_PAUSE, {
      timeout: 60_000,
    });
    await page.click('[data-testid="run"]');
    await page.waitForSelector('[data-testid="status"]:has-text("paused at")', { timeout: 30_000 });
    const recorded = await events(page);
    expect(recorded).toBeGreaterThanOrEqual(startedAt + EVENTS_BEFORE_PAUSE);

    expect(await rowsOf(page, 'leaderboard')).toBe(15);
    expect(await rowsOf(page, 'miner-detail')).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="patterns"]')).toContain('INSERT INTO miner_*_positions');
    expect(await rowsOf(page, 'patterns')).toBeGreaterThanOrEqual(5);
    expect(await page.locator('[data-testid="slow-queries"] li').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="suggestions"]')).toContain('"miners"(`last_active`)');
    expect(await page.locator('[data-testid="relationships"] svg .node').count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('[data-testid="relationships"] svg .edge').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('[data-testid="latency"] polyline').count()).toBe(3);

    mkdirSync(artifacts, { recursive: true });
    await exerciseMaintenance(page, recorded);
    await page.click('[data-testid="integrity-check"]');
    await page.waitForSelector('[data-testid="maintenance-result"]:has-text("integrity:")', { timeout: 30_000 });
    expect(await page.textContent('[data-testid="maintenance-result"]')).toContain('integrity: ok');

    await page.screenshot({ path: `${artifacts}/demo.png`, fullPage: true });

    const leader = await page.textContent('[data-testid="leaderboard"] tbody tr:first-child');
    await page.reload();
    await ready(page);
    expect(await page.getAttribute('[data-testid="storage-mode"]', 'data-storage')).toBe(storage);
    if (storage === 'opfs') {
      expect(await events(page)).toBe(recorded);
      expect(await page.textContent('[data-testid="leaderboard"] tbody tr:first-child')).toBe(leader);
    } else {
      expect(await events(page)).toBe(0);
      expect(await page.textContent('[data-testid="storage-note"]')).toContain('a reload starts over');
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
