// The guide's access-request stories, in a real browser against `bin/accesshive dev`.
import { expect, test } from '@playwright/test';
import { expectNoReload, loggedIn, markDocument, screenshot } from './helpers';
import { revealAndWaitOutCountdown } from './identities';

test('(a) alice requests GA4 access, admin approves it from the three-dot menu, the row turns PROVISIONED live, alice is notified', async ({ browser }) => {
  const alice = await loggedIn(browser, 'alice@acme.test');
  await alice.getByRole('link', { name: 'Request access' }).first().click();
  await expect(alice.getByRole('heading', { name: 'Request access' })).toBeVisible();
  await alice.getByLabel('Platform').selectOption({ label: 'Google Analytics 4' });
  await alice.getByLabel('Identity type').selectOption({ label: 'Managed Google Workspace user' });
  await alice.getByLabel('Justification').fill('Weekly GA4 reports for the board');
  await screenshot(alice, 'request-access');
  await alice.getByRole('button', { name: 'Submit request' }).click();
  const aliceRequest = alice.getByRole('listitem', { name: 'Google Analytics 4 request' });
  await expect(aliceRequest.getByText('PENDING')).toBeVisible();
  await markDocument(alice);
  await expect(alice.getByRole('link', { name: 'Notifications, 0 unread' })).toBeVisible();

  const admin = await loggedIn(browser, 'admin@demo.test');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await screenshot(admin, 'clients');
  await admin.getByRole('link', { name: 'Acme' }).click();
  await admin.getByRole('tab', { name: 'Access Requests' }).click();
  const row = admin.getByRole('row', { name: "Alice Acme's Google Analytics 4 request" });
  await expect(row.getByText('Weekly GA4 reports for the board')).toBeVisible();
  await expect(row.getByText('MANAGED_GWS')).toBeVisible();
  await screenshot(admin, 'client-access-requests');
  await markDocument(admin);

  await admin.getByRole('button', { name: "Actions for Alice Acme's Google Analytics 4 request" }).click();
  await admin.getByRole('menuitem', { name: 'Approve' }).click();
  const dialog = admin.getByRole('dialog', { name: "Approve Alice Acme's Google Analytics 4 request" });
  await dialog.getByLabel(/Reason/).fill('Approved for the Q3 reporting');
  await screenshot(admin, 'approve-dialog');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog).toBeHidden();

  await expect(row.getByText('PROVISIONED')).toBeVisible({ timeout: 60_000 });
  await expectNoReload(admin);

  // Alice's page follows live too: the bell counts the notification, her request turns PROVISIONED.
  await expect(alice.getByRole('link', { name: /Notifications, [1-9]\d* unread/ })).toBeVisible({ timeout: 60_000 });
  await expect(aliceRequest.getByText('PROVISIONED')).toBeVisible();
  await expect(aliceRequest.getByText('Approved for the Q3 reporting')).toBeVisible();
  await expectNoReload(alice);
  await screenshot(alice, 'my-requests');
  await alice.getByRole('link', { name: /Notifications, \d+ unread/ }).click();
  await expect(alice.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  const notes = alice.getByRole('list', { name: 'Notifications' });
  await expect(notes.getByRole('listitem').first()).toContainText(/Google Analytics 4|GA4/);
  await screenshot(alice, 'notifications');
  // She opens the identity from the notification, reveals it and waits out the countdown.
  await notes.getByRole('link', { name: 'Your Google Analytics 4 access is ready' }).click();
  await expect(alice.getByRole('heading', { name: 'Acme Google Analytics 4' })).toBeVisible();
  await revealAndWaitOutCountdown(alice);
  await alice.context().close();
  await admin.context().close();
});

test('(b) admin rejects a request with a reason, which alice reads', async ({ browser }) => {
  const alice = await loggedIn(browser, 'alice@acme.test');
  await alice.goto('/request-access');
  await alice.getByLabel('Platform').selectOption({ label: 'Google Ads' });
  await alice.getByLabel('Identity type').selectOption({ label: 'External login' });
  await alice.getByLabel('Justification').fill('Check the campaign budgets');
  await alice.getByRole('button', { name: 'Submit request' }).click();
  const aliceRequest = alice.getByRole('listitem', { name: 'Google Ads request' });
  await expect(aliceRequest.getByText('PENDING')).toBeVisible();
  await markDocument(alice);

  const admin = await loggedIn(browser, 'admin@demo.test');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await admin.getByRole('link', { name: 'Acme' }).click();
  await admin.getByRole('tab', { name: 'Access Requests' }).click();
  await admin.getByRole('button', { name: "Actions for Alice Acme's Google Ads request" }).click();
  await admin.getByRole('menuitem', { name: 'Reject' }).click();
  const dialog = admin.getByRole('dialog', { name: "Reject Alice Acme's Google Ads request" });
  await dialog.getByLabel(/Reason/).fill('Budgets are in the shared report');
  await screenshot(admin, 'reject-dialog');
  await dialog.getByRole('button', { name: 'Reject' }).click();
  await expect(dialog).toBeHidden();
  await expect(admin.getByRole('row', { name: "Alice Acme's Google Ads request" }).getByText('REJECTED')).toBeVisible();

  await expect(aliceRequest.getByText('REJECTED')).toBeVisible();
  await expect(aliceRequest.getByText("Reviewer's reason: Budgets are in the shared report")).toBeVisible();
  await expectNoReload(alice);
  await alice.context().close();
  await admin.context().close();
});
