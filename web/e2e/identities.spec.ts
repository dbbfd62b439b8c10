// The identity stories: the create-identity wizard, a provisioning failure retried from the
// identity page. (The reveal countdown runs at the end of story (a) in access-requests.spec.ts.)
import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoReload, expectNoSideScroll, loggedIn, markDocument, screenshot } from './helpers';

// The fake Google directory of `bin/accesshive dev` (playwright.config.ts sets its port).
const directory = `http://127.0.0.1:${Number(process.env.E2E_DIRECTORY_PORT ?? 18091)}`;

test('(c) the wizard creates an EXTERNAL_LOGIN identity after showing a field error for a missing password', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin@demo.test');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await admin.getByRole('link', { name: 'Globex' }).click();
  await admin.getByRole('main').getByRole('link', { name: 'Create identity' }).click();

  await expect(admin.getByRole('heading', { name: 'Step 2 of 5: Platform' })).toBeVisible();
  await expect(admin.getByRole('radio', { name: /TikTok Ads/ })).toBeDisabled();
  await screenshot(admin, 'wizard-platform');
  await admin.getByRole('radio', { name: /Meta Ads/ }).check();
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('radio', { name: /Existing platform login/ }).check();
  await admin.getByRole('button', { name: 'Next' }).click();

  await admin.getByLabel(/^Username/).fill('ads@globex.test');
  // A TOTP secret the API refuses: its BAD_USER_INPUT comes back onto the field.
  await admin.getByLabel(/^TOTP secret/).fill('not-base32!');
  await admin.getByRole('button', { name: 'Next' }).click();
  const password = admin.getByLabel(/^Password/);
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toHaveAccessibleDescription('Enter the password.');
  await screenshot(admin, 'wizard-field-error');
  await password.fill('Globex-Meta-2026!');
  await admin.getByRole('button', { name: 'Next' }).click();

  await expect(admin.getByRole('heading', { name: 'Step 5 of 5: Review' })).toBeVisible();
  await expect(admin.getByText('Globex-Meta-2026!')).toHaveCount(0);
  await admin.getByRole('button', { name: 'Create identity' }).click();
  const totp = admin.getByLabel(/^TOTP secret/);
  await expect(totp).toHaveAttribute('aria-invalid', 'true');
  await expect(totp).toHaveAccessibleDescription(/base32/);
  await totp.fill('JBSWY3DPEHPK3PXP');
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('button', { name: 'Create identity' }).click();

  await expect(admin.getByRole('heading', { name: 'ads@globex.test' })).toBeVisible();
  await expect(admin.getByText('Existing platform login')).toBeVisible();
  await expect(admin.getByText('Created by an admin')).toBeVisible();
  await expect(admin.getByRole('main').getByText('PROVISIONED').first()).toBeVisible();
  await admin.getByRole('button', { name: 'Reveal', exact: true }).click();
  await expect(admin.getByLabel('Password', { exact: true })).toHaveValue('Globex-Meta-2026!');
  await expect(admin.getByLabel('TOTP code')).toHaveValue(/^\d{6}$/);
  await admin.getByRole('button', { name: 'Hide now' }).click();
  await expect(admin.getByLabel('Password', { exact: true })).toHaveCount(0);

  // A second one for the same client and platform is a CONFLICT naming and linking the first.
  const firstUrl = admin.url();
  await admin.goto('/identities/new');
  await admin.getByRole('radio', { name: /A client/ }).check();
  await admin.getByLabel(/^Client/).selectOption({ label: 'Globex' });
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('radio', { name: /Meta Ads/ }).check();
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('radio', { name: /API token/ }).check();
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByLabel('Token (required)').fill('tok-123');
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('button', { name: 'Create identity' }).click();
  const conflict = admin.getByRole('alert');
  await expect(conflict).toContainText('already has a live META_ADS identity');
  await conflict.getByRole('link', { name: 'Open ads@globex.test' }).click();
  await expect(admin).toHaveURL(firstUrl);
  await admin.context().close();
});

test('(d) a provisioning failure shows FAILED with the reason, and Retry Provisioning takes it to PROVISIONED', async ({ browser }) => {
  // The directory refuses the next user insert (a permanent 403: no automatic retry).
  const fault = await fetch(`${directory}/_fake/fail`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ n: 1, status: 403, reason: 'forbidden', method: 'POST', pathPrefix: '/admin/directory/v1/users' }),
  });
  expect(fault.status).toBe(204);

  const admin = await loggedIn(browser, 'admin@demo.test');
  await admin.goto('/identities/new');
  await admin.getByRole('radio', { name: /A client/ }).check();
  await admin.getByLabel(/^Client/).selectOption({ label: 'Globex' });
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('radio', { name: /Google Ads/ }).check();
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByRole('radio', { name: /Managed Google Workspace user/ }).check();
  await admin.getByRole('button', { name: 'Next' }).click();
  await admin.getByLabel(/^Display name/).fill('Globex Ads Manager');
  await admin.getByRole('button', { name: 'Next' }).click();
  await screenshot(admin, 'wizard-review');
  await admin.getByRole('button', { name: 'Create identity' }).click();

  await expect(admin.getByRole('heading', { name: 'Globex Ads Manager' })).toBeVisible();
  await markDocument(admin);
  const steps = admin.getByRole('list', { name: 'Provisioning steps' });
  const failedStep = steps.getByRole('listitem').filter({ hasText: 'Failed' });
  await expect(failedStep).toHaveAttribute('aria-current', 'step', { timeout: 30_000 });
  await expect(admin.getByText(/Last error:.*403/)).toBeVisible();
  await expect(admin.getByRole('row', { name: /GWS_DIRECTORY/ })).toContainText('FAILED');
  await screenshot(admin, 'identity-failed');

  const retry = admin.getByRole('button', { name: 'Retry Provisioning' });
  await expect(retry).toBeEnabled();
  await retry.click();
  await expect(steps.getByRole('listitem').filter({ hasText: 'Provisioned' })).toContainText('Done', { timeout: 30_000 });
  await expect(retry).toBeDisabled();
  await expect(admin.getByText('Provisioning succeeded: there is nothing to retry.')).toBeVisible();
  await expect(admin.getByRole('row', { name: /GWS_DIRECTORY/ })).toContainText('ACTIVE');
  await expect(admin.getByText(/Last error:/)).toHaveCount(0);
  await expectNoReload(admin);
  await screenshot(admin, 'identity-detail');

  // Delete asks first; the page follows the identity to DELETED.
  await admin.getByRole('button', { name: 'Delete identity' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Delete Globex Ads Manager?' });
  await screenshot(admin, 'identity-delete-dialog');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toBeHidden();
  await expect(steps.getByRole('listitem').filter({ hasText: 'Deleted' })).toContainText('Done', { timeout: 30_000 });
  await expect(admin.getByRole('button', { name: 'Reveal', exact: true })).toHaveCount(0);
  await admin.context().close();
});

test('(f) identity pages and the wizard have no serious accessibility violation, at 1280 and 390 px', async ({ browser }) => {
  // About twenty axe-core runs, each several seconds on a busy 2-core machine.
  test.setTimeout(360_000);
  const admin = await loggedIn(browser, 'admin@demo.test');
  const check = async (what: string) => {
    await expectAccessible(admin, what);
    await admin.setViewportSize({ width: 390, height: 844 });
    await expectNoSideScroll(admin, what);
    await expectAccessible(admin, `${what} at 390 px`);
    await admin.setViewportSize({ width: 1280, height: 800 });
  };

  // An agency identity with a TOTP secret, made through the API (the wizard has its own story).
  const res = await admin.request.post('/graphql', {
    headers: { Origin: new URL(admin.url()).origin },
    data: {
      query: `mutation($in: CreateIdentityInput!) { createIdentity(input: $in) { id } }`,
      variables: { in: { type: 'EXTERNAL_LOGIN', platform: 'GOOGLE_ADS', username: 'agency-ads@demo.test', password: 'Agency-Ads-2026!', totpSecret: 'JBSWY3DPEHPK3PXP', loginUrl: 'https://ads.google.com/', displayName: 'Agency Google Ads login' } },
    },
  });
  const body = await res.json();
  const id: string = body.data?.createIdentity?.id ?? body.errors?.[0]?.extensions?.object;
  expect(id, JSON.stringify(body)).toBeTruthy();

  await admin.goto(`/identities/${id}`);
  await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
  await admin.getByRole('button', { name: 'Reveal', exact: true }).click();
  await expect(admin.getByRole('timer')).toBeVisible();
  await check('identity page with revealed credentials');
  for (const [button, dialog] of [
    ['Rotate credentials', 'Rotate credentials'],
    ['Update credentials', 'Update credentials'],
    ['Delete identity', /^Delete .*\?$/],
  ] as const) {
    await admin.getByRole('button', { name: button }).click();
    await expect(admin.getByRole('dialog', { name: dialog })).toBeVisible();
    await expectAccessible(admin, `${button} dialog`);
    if (button === 'Update credentials') await screenshot(admin, 'identity-update-dialog');
    await admin.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(admin.getByRole('dialog')).toHaveCount(0);
  }
  // Error states of the page are page states, not broken pages.
  await admin.goto('/identities/00000000-0000-0000-0000-000000000000');
  await expect(admin.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await check('identity not found');

  await admin.goto('/identities/new');
  for (const step of ['Client or agency', 'Platform', 'Type', 'Details', 'Review']) {
    await expect(admin.getByRole('heading', { name: new RegExp(`Step \\d of 5: ${step}`) })).toBeVisible();
    await check(`wizard step ${step}`);
    if (step === 'Client or agency') {
      await screenshot(admin, 'wizard-scope');
      await admin.getByRole('radio', { name: /The agency/ }).check();
    }
    if (step === 'Platform') await admin.getByRole('radio', { name: /All platforms/ }).check();
    if (step === 'Type') await admin.getByRole('radio', { name: /API token/ }).check();
    if (step === 'Details') await admin.getByLabel('Token (required)').fill('tok-a11y');
    if (step !== 'Review') await admin.getByRole('button', { name: 'Next' }).click();
  }
  await admin.context().close();

  // A client user sees its client's identity page with reveal and without staff actions.
  const alice = await loggedIn(browser, 'alice@acme.test');
  await expect(alice.getByRole('heading', { name: 'Acme identities' })).toBeVisible();
  const first = alice.getByRole('main').getByRole('table').getByRole('link').first();
  if (await first.count()) {
    await first.click();
    await expect(alice.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(alice.getByRole('button', { name: 'Delete identity' })).toHaveCount(0);
    await expect(alice.getByRole('button', { name: 'Retry Provisioning' })).toHaveCount(0);
    await expect(alice.getByRole('button', { name: 'Rotate credentials' })).toHaveCount(0);
    await screenshot(alice, 'client-user-identity');
    await expectAccessible(alice, 'identity page (client user)');
  }
  await alice.context().close();
});
