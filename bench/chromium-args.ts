/**
 * Debian's Chromium as this machine runs it for tests and benches: headless, no sandbox, no GPU,
 * no downloads or background traffic. One list for Vitest's browser projects, the Playwright page
 * tests and the OPFS bench.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
