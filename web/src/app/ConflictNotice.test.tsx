// A CONFLICT names and links the existing object the API gives in extensions.object, whatever
// the action (create, update, approve, request access): an identity, or an access request in
// the list the caller reads; an object the caller cannot read leaves the message unlinked.
import { render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { ErrorNotice } from './ui';
import { mockApi, renderTree } from '../identities/testing';

const me = vi.hoisted(() => ({ current: { can: {} as Record<string, boolean> } }));
vi.mock('./session', () => ({ useMe: () => me.current }));

const identity = { __typename: 'Identity', id: 'i-1', displayName: 'Acme GA4 login' };
const request = {
  __typename: 'AccessRequest',
  id: 'r-1',
  status: 'PENDING',
  platform: { __typename: 'Platform', key: 'GA4', name: 'Google Analytics 4' },
  client: { __typename: 'Client', id: 'c-acme' },
};
const notFound = (what: string) => ({ errors: [{ message: `${what} not found`, extensions: { code: 'NOT_FOUND' } }] });

/** The API knows one identity (i-1) and one access request (r-1). */
function setup(conflict: CombinedError) {
  const api = mockApi((name, vars) => {
    if (name === 'ConflictingIdentity') return vars['id'] === identity.id ? { data: { identity } } : notFound('identity');
    if (name === 'ConflictingAccessRequest') return vars['id'] === request.id ? { data: { accessRequest: request } } : notFound('access request');
    throw new Error(`unexpected ${name}`);
  });
  render(renderTree(api, <ErrorNotice error={conflict} />));
  return api;
}

const conflict = (message: string, object?: string) =>
  new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions: { code: 'CONFLICT', ...(object === undefined ? {} : { object }) } })] });

describe('ErrorNotice for a CONFLICT', () => {
  beforeEach(() => {
    me.current = { can: { readOps: true, manage: true } };
  });

  it('names and links an existing identity (wizard, update credentials)', async () => {
    setup(conflict('this client already has a live GA4 identity', 'i-1'));
    const alert = screen.getByRole('alert');
    const link = await within(alert).findByRole('link', { name: 'Open Acme GA4 login' });
    expect(link).toHaveAttribute('href', '/identities/i-1');
    expect(alert).toHaveTextContent('this client already has a live GA4 identity');
  });

  it("names an access request and links staff to its row in the client's queue (approve)", async () => {
    const api = setup(conflict('the access request is already APPROVED; only a PENDING request can be decided', 'r-1'));
    const link = await within(screen.getByRole('alert')).findByRole('link', { name: 'Open the Google Analytics 4 access request (PENDING)' });
    expect(link).toHaveAttribute('href', '/clients/c-acme?tab=requests#request-r-1');
    expect(api.sent.map((s) => s.name)).toContain('ConflictingIdentity');
  });

  it("links a client user to the request in their own list (request access)", async () => {
    me.current = { can: { submitRequest: true } };
    setup(conflict('this client already has an open access request for GA4', 'r-1'));
    const link = await within(screen.getByRole('alert')).findByRole('link', { name: /access request/ });
    expect(link).toHaveAttribute('href', '/my/requests#request-r-1');
  });

  it('shows the message alone when the object cannot be read or none is named', async () => {
    const api = setup(conflict('this user is deactivated', 'u-9'));
    await vi.waitFor(() => expect(api.sent.map((s) => s.name)).toContain('ConflictingAccessRequest'));
    expect(screen.getByRole('alert')).toHaveTextContent('this user is deactivated');
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('asks nothing when the API names no object', () => {
    const api = setup(conflict('the managed address is already used by another identity', ''));
    expect(screen.getByRole('alert')).toHaveTextContent('the managed address is already used by another identity');
    expect(api.sent).toEqual([]);
    expect(screen.queryByRole('link')).toBeNull();
  });
});
