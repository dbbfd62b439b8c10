// The binary serves the console and the playground itself: no request leaves the server's
// origin (no CDN), nothing breaks the Content-Security-Policy, and caching is as documented.
import { expect, test } from '@playwright/test';

test('console and playground load from the binary alone, within the CSP', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  const cspErrors: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(baseURL!) && !u.startsWith('ws://127.0.0.1') && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
  });

  const index = await page.goto('/clients/some-client?tab=requests');
  expect(index?.status()).toBe(200);
  expect(index?.headers()['cache-control']).toBe('no-cache');
  expect(index?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  const asset = await page.request.get(
    await page.evaluate(() => (document.querySelector('script[type=module]') as HTMLScriptElement).src),
  );
  expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');

  await page.goto('/playground');
  await expect(page.getByRole('button', { name: /Execute query/ })).toBeVisible();
  expect(foreign).toEqual([]);
  expect(cspErrors).toEqual([]);
});
