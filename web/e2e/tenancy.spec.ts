// (e) Another agency's owner and another client's user see none of Acme's requests.
import { expect, test } from '@playwright/test';
import { loggedIn } from './helpers';

test('(e) Rival Agency owner and Globex user bob see nothing of Acme', async ({ browser }) => {
  // Find Acme's page address as Demo Agency's admin, then try it as the others.
  const admin = await loggedIn(browser, 'admin@demo.test');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await admin.getByRole('link', { name: 'Acme' }).click();
  await expect(admin.getByRole('heading', { name: 'Acme' })).toBeVisible();
  const acmeUrl = new URL(admin.url()).pathname;
  await admin.context().close();

  const rita = await loggedIn(browser, 'owner@rival.test');
  await rita.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await expect(rita.getByRole('heading', { name: 'Clients' })).toBeVisible();
  await expect(rita.getByText('Acme')).toHaveCount(0);
  await expect(rita.getByText('Globex')).toHaveCount(0);
  await rita.goto(acmeUrl);
  await expect(rita.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(rita.getByText('Alice Acme')).toHaveCount(0);
  await rita.goto(`${acmeUrl}?tab=requests`);
  await expect(rita.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await rita.goto('/notifications');
  await expect(rita.getByText('No notifications yet.')).toBeVisible();
  await rita.context().close();

  const bob = await loggedIn(browser, 'bob@globex.test');
  await expect(bob.getByRole('heading', { name: 'Globex identities' })).toBeVisible();
  await expect(bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' })).toHaveCount(0);
  await bob.getByRole('link', { name: 'My requests' }).click();
  await expect(bob.getByText('You have not requested access yet.')).toBeVisible();
  await expect(bob.getByText('Alice Acme')).toHaveCount(0);
  await bob.goto(acmeUrl);
  await expect(bob.getByRole('heading', { name: /Not found|Not allowed/ })).toBeVisible();
  await expect(bob.getByText('Weekly GA4 reports')).toHaveCount(0);
  await bob.goto('/notifications');
  await expect(bob.getByText('No notifications yet.')).toBeVisible();
  await bob.context().close();
});
