// (f) Every page of the access-request, notification and client-user part passes axe-core
// with no serious or critical violation, at 1280 px and at 390 px wide without sideways scrolling.
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, expectNoSideScroll, login, screenshot } from './helpers';

async function check(page: Page, what: string) {
  await expectAccessible(page, what);
  const wide = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSideScroll(page, what);
  if (wide) await page.setViewportSize(wide);
}

test('(f) staff pages have no serious accessibility violation', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await screenshot(page, 'login');
  await check(page, 'login');
  await login(page, 'admin@demo.test');
  await expect(page.getByRole('heading', { name: 'Clients' })).toBeVisible();
  await check(page, 'clients');
  await page.getByRole('link', { name: 'Acme' }).click();
  await expect(page.getByRole('tab', { name: 'Identities' })).toBeVisible();
  await check(page, 'client identities tab');
  await page.getByRole('tab', { name: 'Access Requests' }).click();
  await expect(page.getByRole('tabpanel')).toBeVisible();
  await check(page, 'client access requests tab');
  const menu = page.getByRole('button', { name: /^Actions for / }).first();
  if (await menu.count()) {
    await menu.click();
    await page.getByRole('menuitem', { name: 'Reject' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, 'reject dialog');
    await page.getByRole('button', { name: 'Cancel' }).click();
  }
  await page.goto('/notifications');
  await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  await check(page, 'notifications');
});

test('(f) client user pages have no serious accessibility violation', async ({ page }) => {
  await login(page, 'alice@acme.test');
  await expect(page.getByRole('heading', { name: 'Acme identities' })).toBeVisible();
  await screenshot(page, 'client-user-identities');
  await check(page, 'client user identities');
  await page.getByRole('link', { name: 'My requests' }).click();
  await expect(page.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await check(page, 'my requests');
  await page.goto('/request-access');
  await expect(page.getByRole('heading', { name: 'Request access' })).toBeVisible();
  await check(page, 'request access');
  await page.goto('/notifications');
  await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  await check(page, 'notifications (client user)');
});

test('an ended session returns to login with a message', async ({ page }) => {
  await login(page, 'member@demo.test');
  await expect(page.getByRole('heading', { name: 'Clients' })).toBeVisible();
  // The session ends on the server (as when it expires or the user is deactivated).
  const res = await page.request.post('/graphql', { data: { query: 'mutation { logout }' }, headers: { Origin: new URL(page.url()).origin } });
  expect(res.ok()).toBe(true);
  // The revocation closes the page's websocket at once (4401), so the console returns to login
  // without the person doing anything.
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Your session has ended. Please log in again.');
});
