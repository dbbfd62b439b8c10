// useLiveQuery: subscribe-then-refetch. The query is read again once the subscription is on the
// wire (the socket acknowledged with it started) and after each reconnection, each event
// refetches (or goes to onEvent), and nothing polls.
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { Provider } from 'urql';
import { parse } from 'graphql';
import type { TypedDocumentNode } from 'urql';
import { ConnectionContext, type ConnectionValue } from '../app/session';
import { liveSource, mockApi } from '../identities/testing';
import { useLiveQuery } from './live';

type Row = { id: string; status: string };
// Parsed here rather than with graphql() so codegen leaves them out of the console's documents.
const LiveTestDocument: TypedDocumentNode<{ accessRequests: { nodes: Row[] } }, { clientId: string }> = parse(
  'query LiveTest($clientId: ID!) { accessRequests(clientId: $clientId, first: 5) { nodes { id status } } }',
);
const LiveTestUpdatedDocument: TypedDocumentNode<{ accessRequestUpdated: Row }, { clientId: string }> = parse(
  'subscription LiveTestUpdated($clientId: ID) { accessRequestUpdated(clientId: $clientId) { id status } }',
);

function Rows({ onEvent }: { onEvent?: (e: unknown) => void }) {
  const { result } = useLiveQuery({
    query: LiveTestDocument,
    variables: { clientId: 'c1' },
    subscription: LiveTestUpdatedDocument,
    subscriptionVariables: { clientId: 'c1' },
    onEvent,
  });
  const rows = result.data?.accessRequests.nodes ?? [];
  return <output aria-label="rows">{rows.map((r) => `${r.id}:${r.status}`).join(',')}</output>;
}

/** The server's state, read by each LiveTest query; events are pushed by the test. */
function setup() {
  const server = { status: 'PENDING' };
  const live = liveSource();
  // What reached the network, in order. (urql itself may read twice while mounting, so the
  // tests look at the reads that follow the subscription.)
  const log: string[] = [];
  const api = mockApi((name, _vars, op) => {
    if (name === 'LiveTest') {
      log.push('read');
      return { data: { accessRequests: { __typename: 'AccessRequestConnection', nodes: [{ __typename: 'AccessRequest', id: 'r1', status: server.status }] } } };
    }
    if (name === 'LiveTestUpdated') {
      log.push('subscribe');
      return live.source(op);
    }
    throw new Error(`unexpected ${name}`);
  });
  let setConnection: (c: ConnectionValue) => void = () => {};
  function Harness({ initial, onEvent }: { initial: ConnectionValue; onEvent?: (e: unknown) => void }) {
    const [conn, set] = useState(initial);
    setConnection = set;
    return (
      <Provider value={api.client}>
        <ConnectionContext.Provider value={conn}>
          <Rows onEvent={onEvent} />
        </ConnectionContext.Provider>
      </Provider>
    );
  }
  /** The reads since the subscription started. */
  const readsAfterSubscribing = () => (log.includes('subscribe') ? log.slice(log.indexOf('subscribe') + 1).length : -1);
  const connect = (c: Partial<ConnectionValue>) => act(() => setConnection({ online: true, reconnects: 0, connected: true, connections: 1, ...c }));
  return { server, live, Harness, readsAfterSubscribing, connect };
}

const down: ConnectionValue = { online: true, reconnects: 0, connected: false, connections: 0 };
const rows = () => screen.getByRole('status', { name: 'rows' });

afterEach(() => vi.useRealTimers());

describe('useLiveQuery', () => {
  it('reads the query again once the subscription is connected, catching a change made before it', async () => {
    const { server, Harness, readsAfterSubscribing, connect } = setup();
    render(<Harness initial={down} />);
    await screen.findByText('r1:PENDING');
    expect(readsAfterSubscribing()).toBe(0);

    // Approved before the socket was up: no event will ever tell.
    server.status = 'APPROVED';
    await connect({ connected: true, connections: 1 });
    expect(readsAfterSubscribing()).toBe(1);
    expect(await screen.findByText('r1:APPROVED')).toBe(rows());
  });

  it('reads again after every reconnection, and on each event, and never on its own', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { server, live, Harness, readsAfterSubscribing, connect } = setup();
    render(<Harness initial={{ ...down, connected: true, connections: 1 }} />);
    // Already connected: the subscription goes out at once, then the query is read again.
    await screen.findByText('r1:PENDING');
    expect(readsAfterSubscribing()).toBe(1);

    await connect({ connected: false, online: false, connections: 1 });
    server.status = 'APPROVED';
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(readsAfterSubscribing()).toBe(1);
    expect(rows()).toHaveTextContent('r1:PENDING');

    await connect({ connected: true, online: true, reconnects: 1, connections: 2 });
    expect(await screen.findByText('r1:APPROVED')).toBe(rows());
    expect(readsAfterSubscribing()).toBe(2);

    server.status = 'PROVISIONED';
    await act(async () => live.subject.next({ accessRequestUpdated: { __typename: 'AccessRequest', id: 'r1', status: 'PROVISIONED' } }));
    expect(await screen.findByText('r1:PROVISIONED')).toBe(rows());
    expect(readsAfterSubscribing()).toBe(3);
  });

  it('hands events to onEvent instead of refetching', async () => {
    const { live, Harness, readsAfterSubscribing } = setup();
    const onEvent = vi.fn();
    render(<Harness initial={down} onEvent={onEvent} />);
    await screen.findByText('r1:PENDING');
    const event = { accessRequestUpdated: { __typename: 'AccessRequest', id: 'r1', status: 'REJECTED' } };
    await act(async () => live.subject.next(event));
    expect(onEvent).toHaveBeenCalledWith(event);
    expect(readsAfterSubscribing()).toBe(0);
  });
});
