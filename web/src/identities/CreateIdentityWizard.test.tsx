// The create-identity wizard: only OPERATIONAL platforms can be chosen, local checks name the
// missing field, the API's BAD_USER_INPUT goes back to the step and field it names, a CONFLICT
// names and links the existing identity, and success opens the new identity's page.
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CreateIdentityWizard } from './CreateIdentityWizard';
import { mockApi, renderTree, type Handler } from './testing';

const me = vi.hoisted(() => ({
  current: { id: 'u1', name: 'Admin', email: 'admin@demo.test', role: 'ADMIN', client: null, agency: { id: 'a1', name: 'Demo Agency' }, can: { manage: true } as Record<string, boolean> },
}));
vi.mock('../app/session', () => ({ useMe: () => me.current }));

const choices = {
  clients: { __typename: 'ClientConnection', nodes: [{ __typename: 'Client', id: 'c-acme', name: 'Acme' }, { __typename: 'Client', id: 'c-globex', name: 'Globex' }] },
  platforms: [
    { __typename: 'Platform', key: 'GA4', name: 'Google Analytics 4', connection: { __typename: 'PlatformConnection', state: 'OPERATIONAL' } },
    { __typename: 'Platform', key: 'TIKTOK_ADS', name: 'TikTok Ads', connection: { __typename: 'PlatformConnection', state: 'PENDING' } },
    { __typename: 'Platform', key: 'LINKEDIN_ADS', name: 'LinkedIn Ads', connection: null },
  ],
};

function setup(create: Handler, path = '/identities/new?clientId=c-acme') {
  const api = mockApi((name, vars, op) => {
    if (name === 'CreateIdentityChoices') return { data: choices };
    if (name === 'CreateIdentity') return create(name, vars, op);
    if (name === 'ConflictingIdentity') return { data: { identity: { __typename: 'Identity', id: vars['id'], displayName: 'Acme GA4 login' } } };
    throw new Error(`unexpected ${name}`);
  });
  render(renderTree(api, <CreateIdentityWizard />, { path, route: '/identities/new' }));
  return api;
}

const next = () => act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Next' })));

/** From the platform step (client preset) to the EXTERNAL_LOGIN details. */
async function toExternalLoginDetails() {
  fireEvent.click(await screen.findByRole('radio', { name: /Google Analytics 4/ }));
  await next();
  fireEvent.click(screen.getByRole('radio', { name: /Existing platform login/ }));
  await next();
}

describe('CreateIdentityWizard', () => {
  beforeEach(() => {
    me.current.can = { manage: true };
  });

  it('marks the current step and offers only OPERATIONAL platforms, showing the others with their state', async () => {
    setup(() => ({ data: null }));
    const steps = await screen.findByRole('list', { name: 'Wizard steps' });
    expect(within(steps).getByText('Platform').closest('li')).toHaveAttribute('aria-current', 'step');
    expect(screen.getByRole('radio', { name: /Google Analytics 4/ })).toBeEnabled();
    const tiktok = screen.getByRole('radio', { name: /TikTok Ads/ });
    expect(tiktok).toBeDisabled();
    expect(tiktok.closest('label')).toHaveTextContent('Pending connection');
    expect(screen.getByRole('radio', { name: /LinkedIn Ads/ }).closest('label')).toHaveTextContent('Not connected');
  });

  it('names a missing platform, and a missing password on its field, before sending anything', async () => {
    const api = setup(() => ({ data: null }));
    await screen.findByRole('radio', { name: /Google Analytics 4/ });
    await next();
    expect(screen.getByText('Choose a platform.')).toBeInTheDocument();
    await toExternalLoginDetails();
    fireEvent.change(screen.getByLabelText(/^Username/), { target: { value: 'ads@acme.test' } });
    await next();
    const password = screen.getByLabelText(/^Password/);
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription('Enter the password.');
    expect(password).toHaveFocus();
    expect(api.sent.map((s) => s.name)).not.toContain('CreateIdentity');
  });

  it("puts the API's BAD_USER_INPUT back on its field in the details step", async () => {
    setup(() => ({
      errors: [{ message: 'totpSecret: must be a base32 secret of at least 80 bits', extensions: { code: 'BAD_USER_INPUT', field: 'totpSecret' } }],
    }));
    await toExternalLoginDetails();
    fireEvent.change(screen.getByLabelText(/^Username/), { target: { value: 'ads@acme.test' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'hunter2-long' } });
    fireEvent.change(screen.getByLabelText(/^TOTP secret/), { target: { value: 'not base32!' } });
    await next();
    expect(screen.getByRole('heading', { name: /Review/ })).toBeInTheDocument();
    expect(screen.getAllByText('Set (hidden)')).toHaveLength(2);
    expect(screen.queryByText('hunter2-long')).toBeNull();
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Create identity' })));
    expect(screen.getByRole('heading', { name: /Details/ })).toBeInTheDocument();
    const totp = screen.getByLabelText(/^TOTP secret/);
    expect(totp).toHaveAttribute('aria-invalid', 'true');
    expect(totp).toHaveAccessibleDescription(expect.stringContaining('Must be a base32 secret of at least 80 bits'));
    expect(totp).toHaveFocus();
    // Typing clears the error of that field.
    fireEvent.change(totp, { target: { value: 'JBSWY3DPEHPK3PXP' } });
    expect(totp).not.toHaveAttribute('aria-invalid');
  });

  it('sends a platform error back to the platform step', async () => {
    setup(() => ({ errors: [{ message: 'platform: GA4 is DEGRADED for this agency; it must be OPERATIONAL', extensions: { code: 'BAD_USER_INPUT', field: 'platform' } }] }));
    await toExternalLoginDetails();
    fireEvent.change(screen.getByLabelText(/^Username/), { target: { value: 'u' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'p' } });
    await next();
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Create identity' })));
    expect(screen.getByRole('heading', { name: /Platform/ })).toBeInTheDocument();
    expect(screen.getByText('GA4 is DEGRADED for this agency; it must be OPERATIONAL')).toBeInTheDocument();
  });

  it('names and links the existing identity on CONFLICT', async () => {
    setup(() => ({ errors: [{ message: 'this client already has a live GA4 identity', extensions: { code: 'CONFLICT', object: 'id-existing' } }] }));
    await toExternalLoginDetails();
    fireEvent.change(screen.getByLabelText(/^Username/), { target: { value: 'u' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'p' } });
    await next();
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Create identity' })));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('this client already has a live GA4 identity');
    const link = await within(alert).findByRole('link', { name: 'Open Acme GA4 login' });
    expect(link).toHaveAttribute('href', '/identities/id-existing');
  });

  it("creates with only the type's fields and opens the new identity's page", async () => {
    const api = setup(() => ({ data: { createIdentity: { __typename: 'Identity', id: 'id-new' } } }));
    await toExternalLoginDetails();
    fireEvent.change(screen.getByLabelText(/^Username/), { target: { value: '  ads@acme.test ' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: ' pw with spaces ' } });
    await next();
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Create identity' })));
    expect(await screen.findByLabelText('Current page')).toHaveTextContent('/identities/id-new');
    const sent = api.sent.find((s) => s.name === 'CreateIdentity');
    expect(sent?.variables['input']).toEqual({ type: 'EXTERNAL_LOGIN', clientId: 'c-acme', platform: 'GA4', username: 'ads@acme.test', password: ' pw with spaces ' });
  });

  it('offers agency-wide only for the agency, and no managed user without a platform', async () => {
    setup(() => ({ data: null }), '/identities/new');
    fireEvent.click(await screen.findByRole('radio', { name: /The agency/ }));
    await next();
    fireEvent.click(screen.getByRole('radio', { name: /All platforms/ }));
    await next();
    expect(screen.getByRole('radio', { name: /Managed Google Workspace user/ })).toBeDisabled();
    expect(screen.getByRole('radio', { name: /API token/ })).toBeEnabled();
  });

  it('is a page state for a role that may not create identities', () => {
    me.current.can = { manage: false };
    setup(() => ({ data: null }));
    expect(screen.getByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
  });
});
