// Rotate and update credentials (one dialog component, two modes): each asks what its mode and
// the identity's type need, sends only that, puts the API's field errors on their fields, and
// forgets the typed secrets when it closes.
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { IdentityDetailFragment } from '../gql/graphql';
import { CredentialsButton } from './CredentialDialogs';
import { mockApi, renderTree, type Handler } from './testing';

function identity(type: IdentityDetailFragment['type']): IdentityDetailFragment {
  return {
    __typename: 'Identity',
    id: 'id-1',
    scope: 'CLIENT',
    type,
    displayName: 'Acme GA4 login',
    email: type === 'MANAGED_GWS' ? 'acme-ga4@demo.test' : null,
    provisioningState: 'PROVISIONED',
    lastError: null,
    origin: 'ADMIN',
    loginUrl: null,
    notes: null,
    tokenExpiresAt: null,
    credentialsRotatedAt: null,
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    stateChangedAt: '2026-12-01T10:00:00Z',
    retryProvisioningAfter: null,
    client: { __typename: 'Client', id: 'c-acme', name: 'Acme' },
    platform: { __typename: 'Platform', key: 'GA4', name: 'Google Analytics 4' },
    providerStatuses: [],
  } as IdentityDetailFragment;
}

function setup(mode: 'rotate' | 'update', type: IdentityDetailFragment['type'], answer: Handler) {
  const onChanged = vi.fn();
  const api = mockApi(answer);
  render(renderTree(api, <CredentialsButton mode={mode} identity={identity(type)} onChanged={onChanged} />));
  return { api, onChanged };
}

const ok = (field: string) => () => ({ data: { [field]: identity('EXTERNAL_LOGIN') } });
const open = (name: string) => fireEvent.click(screen.getByRole('button', { name }));
const save = (dialog: HTMLElement, name: string) => act(async () => void fireEvent.click(within(dialog).getByRole('button', { name })));

describe('CredentialsButton', () => {
  it('rotates a managed password without asking anything', async () => {
    const { api, onChanged } = setup('rotate', 'MANAGED_GWS', ok('rotateCredentials'));
    open('Rotate credentials');
    const dialog = screen.getByRole('dialog', { name: 'Rotate credentials' });
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    expect(dialog).toHaveTextContent('acme-ga4@demo.test');
    await save(dialog, 'Rotate password');
    expect(api.sent).toEqual([{ name: 'RotateCredentials', variables: { identityId: 'id-1', input: null } }]);
    expect(onChanged).toHaveBeenCalledOnce();
    expect(screen.getByRole('status')).toHaveTextContent('Rotation started');
  });

  it("rotates a token with the new one, and puts the API's error on its field", async () => {
    const { api } = setup('rotate', 'API_TOKEN', () => ({ errors: [{ message: 'token: is too short', extensions: { code: 'BAD_USER_INPUT', field: 'input.token' } }] }));
    open('Rotate credentials');
    const dialog = screen.getByRole('dialog', { name: 'Rotate credentials' });
    fireEvent.change(within(dialog).getByLabelText(/^New token/), { target: { value: 't' } });
    await save(dialog, 'Rotate');
    expect(api.sent).toEqual([{ name: 'RotateCredentials', variables: { identityId: 'id-1', input: { token: 't' } } }]);
    expect(within(dialog).getByLabelText(/^New token/)).toHaveAccessibleDescription('Is too short');
  });

  it('updates only the fields filled in, or removes the TOTP secret', async () => {
    const { api, onChanged } = setup('update', 'EXTERNAL_LOGIN', ok('updateCredentials'));
    open('Update credentials');
    let dialog = screen.getByRole('dialog', { name: 'Update credentials' });
    fireEvent.change(within(dialog).getByLabelText(/^Password/), { target: { value: 'New-pass-2026!' } });
    await save(dialog, 'Save credentials');
    expect(onChanged).toHaveBeenCalledOnce();

    open('Update credentials');
    dialog = screen.getByRole('dialog', { name: 'Update credentials' });
    // The password typed before is gone with the dialog that closed.
    expect(within(dialog).getByLabelText(/^Password/)).toHaveValue('');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Remove the TOTP secret' }));
    await save(dialog, 'Save credentials');
    expect(api.sent).toEqual([
      { name: 'UpdateCredentials', variables: { input: { identityId: 'id-1', password: 'New-pass-2026!' } } },
      { name: 'UpdateCredentials', variables: { input: { identityId: 'id-1', totpSecret: '' } } },
    ]);
  });

  it('asks an API token identity for its token only', () => {
    setup('update', 'API_TOKEN', ok('updateCredentials'));
    open('Update credentials');
    const dialog = screen.getByRole('dialog', { name: 'Update credentials' });
    expect(within(dialog).getByLabelText('Token (required)')).toBeInTheDocument();
    expect(within(dialog).queryByLabelText(/^Username/)).toBeNull();
    expect(within(dialog).queryByRole('checkbox')).toBeNull();
  });
});
