// Browser tests: Debian's Chromium (web/scripts/ensure-chromium.sh) against the real binary,
// `bin/accesshive dev`, with its throwaway PostgreSQL, Redis and fake directory on ports of
// their own, so they do not clash with a running `make run`.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 18080);
const dirPort = Number(process.env.E2E_DIRECTORY_PORT ?? 18091);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './e2e',
  // The stories share one seeded system; they run one after another on this 2-core machine.
  workers: 1,
  fullyParallel: false,
  // Generous: the machine's 2 cores are shared, and a story spans two users and a provisioning job.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      // Playwright gives every launch a fresh temporary user-data-dir (it refuses the flag in
      // args), so nothing carries over between runs.
    },
  },
  webServer: {
    command: '../bin/accesshive dev',
    url: `${baseURL}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: process.env.E2E_SERVER_LOG ? 'pipe' : 'ignore',
    env: {
      ACCESSHIVE_HTTP_ADDR: `127.0.0.1:${port}`,
      ACCESSHIVE_ALLOWED_ORIGINS: baseURL,
      ACCESSHIVE_DEV_DIRECTORY_ADDR: `127.0.0.1:${dirPort}`,
    },
  },
});
