// Steps of the identity stories shared with other spec files: the reveal with its countdown.
import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './helpers';

/**
 * On an identity page: Reveal shows the password with its countdown; the countdown falls; at
 * zero the password is no longer anywhere in the page's HTML and "Reveal again" is offered.
 */
export async function revealAndWaitOutCountdown(page: Page): Promise<void> {
  // The countdown alone takes 30 s.
  test.info().setTimeout(test.info().timeout + 60_000);
  await page.getByRole('button', { name: 'Reveal', exact: true }).click();
  const password = page.getByLabel('Password', { exact: true });
  await expect(password).toHaveValue(/.{8,}/);
  const secret = await password.inputValue();
  // page.content() is serialized HTML: a generated password may hold & < > " which it escapes.
  const inPage = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  expect(await page.content()).toContain(inPage);
  const timer = page.getByRole('timer');
  await expect(timer).toContainText(/Hidden in \d+ s/);
  const first = Number((await timer.textContent())?.match(/\d+/)?.[0]);
  expect(first).toBeGreaterThan(20);
  expect(first).toBeLessThanOrEqual(30);
  await screenshot(page, 'identity-reveal');
  // The countdown falls (ticks from revealCountdown).
  await expect
    .poll(async () => Number((await timer.textContent())?.match(/\d+/)?.[0]), { timeout: 10_000 })
    .toBeLessThan(first);
  // At zero the values leave the page.
  await expect(page.getByRole('button', { name: 'Reveal again' })).toBeVisible({ timeout: 40_000 });
  await expect(timer).toHaveCount(0);
  await expect(password).toHaveCount(0);
  expect(await page.content()).not.toContain(inPage);
  expect(await page.content()).not.toContain(secret);
}
