// Browser tests run against the real `shura` binary (SQLite, demo data) in Debian's
// Chromium. The test script builds the site and passes the binary's path in SHURA_BIN.
import { defineConfig } from '@playwright/test';
import * as path from 'path';

const port = Number(process.env.SHURA_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;
// Each run (SQLite, PostgreSQL) keeps its results, traces and mail in its own folder.
const results = process.env.SHURA_E2E_RESULTS ?? 'test-results';
// Where the test SMTP server stores what it receives (read by tests/helpers.ts).
process.env.SHURA_E2E_MAILDIR ??= path.join(__dirname, results, 'maildir');

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Budgets fit a loaded 2-core machine (a build running beside the suite): the
  // suite must not fail on speed alone.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: `${results}/results.json` }]],
  outputDir: `${results}/artifacts`,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `./serve-test.sh ${port}`,
    url: `${baseURL}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
