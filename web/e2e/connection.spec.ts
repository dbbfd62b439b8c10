// A lost connection, as a person loses their network: the console says so, and when the
// network is back its subscriptions resume and the page reads again what changed meanwhile,
// without a reload.
import { expect, test, type APIRequestContext, type Page, type WebSocketRoute } from '@playwright/test';
import { expectNoReload, loggedIn, login, markDocument, screenshot } from './helpers';

/** One GraphQL call with the page's session cookie (and its Origin, as the console sends). */
async function gql(page: Page, query: string, variables: Record<string, unknown>): Promise<Record<string, { id?: string; status?: string }>> {
  const request: APIRequestContext = page.request;
  const res = await request.post('/graphql', { headers: { Origin: new URL(page.url()).origin }, data: { query, variables } });
  const body = await res.json();
  expect(body.errors, JSON.stringify(body)).toBeUndefined();
  return body.data;
}

/**
 * The page's network, which can drop like a person's: while down, the browser is offline (HTTP
 * fails, `navigator.onLine` is false) and the websocket that was open carries nothing either way
 * (a dead link closes nothing by itself); new websockets get no answer. Back up, new
 * connections go through; the dead ones stay dead.
 */
async function cuttableNetwork(page: Page) {
  let down = false;
  const links = new Set<{ cut: boolean }>();
  await page.routeWebSocket(/\/graphql$/, (ws: WebSocketRoute) => {
    const link = { cut: down };
    if (link.cut) return; // no server behind it: the handshake is never answered
    links.add(link);
    const server = ws.connectToServer();
    ws.onMessage((m) => !link.cut && server.send(m));
    server.onMessage((m) => !link.cut && ws.send(m));
    ws.onClose(() => server.close());
    server.onClose((code, reason) => !link.cut && ws.close({ code, reason }));
  });
  return {
    async down() {
      down = true;
      for (const l of links) l.cut = true;
      links.clear();
      await page.context().setOffline(true);
    },
    async up() {
      down = false;
      await page.context().setOffline(false);
    },
  };
}

test('a lost connection shows a banner; back online, live updates resume and a change made meanwhile shows without a reload', async ({ browser }) => {
  // Alice asks for Meta Ads access.
  const alice = await loggedIn(browser, 'alice@acme.test');
  const submit = `mutation($in: SubmitAccessRequestInput!) { submitAccessRequest(input: $in) { id } }`;
  const input = { platform: 'META_ADS', identityType: 'EXTERNAL_LOGIN', justification: 'Audit the ad accounts' };
  const first = (await gql(alice, submit, { in: input })).submitAccessRequest!.id!;

  // The admin watches Acme's queue over a network that will drop; the owner over a good one.
  const admin = await (await browser.newContext()).newPage();
  const network = await cuttableNetwork(admin);
  await login(admin, 'admin@demo.test');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await admin.getByRole('link', { name: 'Acme' }).click();
  await admin.getByRole('tab', { name: 'Access Requests' }).click();
  const rows = admin.getByRole('row', { name: "Alice Acme's Meta Ads request" });
  await expect(rows.getByText('PENDING')).toBeVisible();
  await markDocument(admin);
  const owner = await loggedIn(browser, 'owner@demo.test');
  await owner.goto(admin.url());
  const ownerRow = owner.getByRole('row', { name: "Alice Acme's Meta Ads request" });
  await expect(ownerRow.getByText('PENDING')).toBeVisible();

  await network.down();
  const banner = admin.getByRole('alert').filter({ hasText: 'Connection lost' });
  await expect(banner).toBeVisible();

  // Rejected while the admin is offline: the owner's page gets the event, the admin's cannot.
  const reject = `mutation($id: ID!) { rejectAccessRequest(id: $id, reason: "Meta Ads is being retired") { status } }`;
  expect((await gql(owner, reject, { id: first })).rejectAccessRequest!.status).toBe('REJECTED');
  await expect(ownerRow.getByText('REJECTED')).toBeVisible();
  await expect(rows.getByText('PENDING')).toBeVisible();
  await expect(banner).toBeVisible();
  await screenshot(admin, 'connection-lost');

  // Back online: the banner goes, the page reads the queue again and shows the rejection.
  await network.up();
  await expect(banner).toBeHidden({ timeout: 45_000 });
  await expect(rows.getByText('REJECTED')).toBeVisible();
  await expect(rows.getByText('Reason: Meta Ads is being retired')).toBeVisible();

  // The subscription is live again: a new request appears as it is made.
  const second = (await gql(alice, submit, { in: input })).submitAccessRequest!.id!;
  await expect(rows).toHaveCount(2);
  await expect(rows.getByText('PENDING')).toBeVisible();
  await expectNoReload(admin);

  // Leave no open request behind for the other stories.
  await gql(owner, reject, { id: second });
  await expect(rows.getByText('REJECTED')).toHaveCount(2);
  await Promise.all([alice, admin, owner].map((p) => p.context().close()));
});
