import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CombinedError, Provider, type Client } from 'urql';
import { fromValue, never } from 'wonka';
import { GraphQLError, print } from 'graphql';
import { RequestActionsMenu } from './RequestActionsMenu';
import type { AccessRequestFieldsFragment } from '../gql/graphql';

function req(over: Partial<AccessRequestFieldsFragment> = {}): AccessRequestFieldsFragment {
  return {
    __typename: 'AccessRequest',
    id: 'r-1',
    status: 'PENDING',
    identityType: 'MANAGED_GWS',
    roleTemplateId: null,
    justification: 'Weekly GA4 reports',
    reason: null,
    createdAt: new Date().toISOString(),
    decidedAt: null,
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    client: { __typename: 'Client', id: 'c-1', name: 'Acme' },
    platform: { __typename: 'Platform', key: 'GA4', name: 'Google Analytics 4' },
    requester: { __typename: 'RequestUser', id: 'u-1', name: 'Alice Acme' },
    identity: null,
    ...over,
  } as AccessRequestFieldsFragment;
}

/** A urql client that records mutations and answers each with `answer`. */
function stubClient(answer: (vars: Record<string, unknown>) => unknown) {
  const calls: { query: string; variables: Record<string, unknown> }[] = [];
  const client = {
    executeMutation: vi.fn((op: { query: Parameters<typeof print>[0]; variables: Record<string, unknown> }) => {
      calls.push({ query: print(op.query), variables: op.variables });
      return fromValue(answer(op.variables));
    }),
    executeQuery: vi.fn(() => never),
    executeSubscription: vi.fn(() => never),
  } as unknown as Client;
  return { client, calls };
}

function renderMenu(client: Client, props: Partial<Parameters<typeof RequestActionsMenu>[0]> = {}) {
  return render(
    <Provider value={client}>
      <RequestActionsMenu request={req()} canDecide {...props} />
    </Provider>,
  );
}

describe('RequestActionsMenu', () => {
  it('names the menu after the request and offers Approve and Reject', async () => {
    const user = userEvent.setup();
    renderMenu(stubClient(() => ({})).client);
    await user.click(screen.getByRole('button', { name: "Actions for Alice Acme's Google Analytics 4 request" }));
    expect(await screen.findByRole('menuitem', { name: 'Approve' })).toBeInTheDocument();
    expect(screen.getByRole('menuitem', { name: 'Reject' })).toBeInTheDocument();
  });

  it('offers nothing to a role that may not decide, nor on a decided request', () => {
    const { client } = stubClient(() => ({}));
    const { container, rerender } = renderMenu(client, { canDecide: false });
    expect(container).toBeEmptyDOMElement();
    rerender(
      <Provider value={client}>
        <RequestActionsMenu request={req({ status: 'APPROVED' })} canDecide />
      </Provider>,
    );
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('rejects with the reason typed in the dialog, from the keyboard', async () => {
    const user = userEvent.setup();
    const onDecided = vi.fn();
    const { client, calls } = stubClient((v) => ({ data: { rejectAccessRequest: { ...req(), id: v['id'], status: 'REJECTED' } } }));
    renderMenu(client, { onDecided });
    screen.getByRole('button', { name: /Actions for/ }).focus();
    await user.keyboard('{Enter}');
    const reject = await screen.findByRole('menuitem', { name: 'Reject' });
    reject.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: "Reject Alice Acme's Google Analytics 4 request" });
    await user.type(screen.getByLabelText(/Reason/), 'Use the shared report instead');
    await user.click(screen.getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query).toContain('rejectAccessRequest');
    expect(calls[0]!.variables).toEqual({ id: 'r-1', reason: 'Use the shared report instead' });
    expect(onDecided).toHaveBeenCalledWith(expect.objectContaining({ status: 'REJECTED' }));
  });

  it('takes credentials for an external login, or none to add them later', async () => {
    const user = userEvent.setup();
    const { client, calls } = stubClient(() => ({ data: { approveAccessRequest: { ...req(), status: 'APPROVED' } } }));
    renderMenu(client, { request: req({ identityType: 'EXTERNAL_LOGIN' }) });
    await user.click(screen.getByRole('button', { name: /Actions for/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Approve' }));
    await screen.findByRole('dialog');
    await user.type(screen.getByLabelText('Username'), 'ads@acme.example');
    await user.type(screen.getByLabelText('Password'), 'a-long-secret');
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.variables).toEqual({
      id: 'r-1',
      reason: null,
      credentials: { username: 'ads@acme.example', password: 'a-long-secret', totpSecret: null },
    });
  });

  it('shows the API error on its field and keeps the dialog open', async () => {
    const user = userEvent.setup();
    const { client } = stubClient(() => ({
      data: undefined,
      error: new CombinedError({
        graphQLErrors: [new GraphQLError('password is too short', { extensions: { code: 'BAD_USER_INPUT', field: 'credentials.password' } })],
      }),
    }));
    renderMenu(client, { request: req({ identityType: 'EXTERNAL_LOGIN' }) });
    await user.click(screen.getByRole('button', { name: /Actions for/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Approve' }));
    await user.type(await screen.findByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    const pw = screen.getByLabelText('Password');
    await waitFor(() => expect(pw).toHaveAccessibleDescription('password is too short'));
    expect(pw).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
