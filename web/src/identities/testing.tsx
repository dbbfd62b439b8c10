// Test helpers for the identity screens: a real urql Client whose only exchange answers each
// operation from the test (so components run their real documents, cache rules included), and
// a router around them.
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { Client, Provider, getOperationName, makeResult, type Operation, type OperationResult } from 'urql';
import { print } from 'graphql';
import { filter, fromValue, makeSubject, mergeMap, pipe, share, takeUntil, type Source, type Subject } from 'wonka';
import { noSecretsCacheExchange } from '../api/client';

type Answer = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | Source<OperationResult>;

/** Answers an operation: a result, GraphQL errors, or (subscriptions) a source the test drives. */
export type Handler = (name: string, variables: Record<string, unknown>, op: Operation) => Answer;

export interface MockApi {
  client: Client;
  /** Every operation that reached the network (past urql's cache), in order. */
  sent: { name: string; variables: Record<string, unknown> }[];
}

export function mockApi(handler: Handler): MockApi {
  const sent: MockApi['sent'] = [];
  const client = new Client({
    url: 'http://test/graphql',
    requestPolicy: 'cache-and-network',
    exchanges: [
      // The console's own cache exchange, so tests see what it keeps and what it lets by.
      noSecretsCacheExchange,
      () => (ops$) => {
        const shared = pipe(ops$, share);
        return pipe(
          shared,
          filter((op) => op.kind !== 'teardown'),
          mergeMap((op) => {
            const name = getOperationName(op.query) ?? print(op.query);
            const variables = (op.variables ?? {}) as Record<string, unknown>;
            sent.push({ name, variables });
            const answer = handler(name, variables, op);
            const source: Source<OperationResult> =
              typeof answer === 'function'
                ? answer
                : fromValue(makeResult(op, { data: answer.data ?? null, errors: answer.errors } as never));
            return pipe(source, takeUntil(pipe(shared, filter((t) => t.kind === 'teardown' && t.key === op.key))));
          }),
        );
      },
    ],
  });
  return { client, sent };
}

/** A subscription the test pushes events into. */
export function liveSource(): { subject: Subject<unknown>; source: (op: Operation) => Source<OperationResult> } {
  const subject = makeSubject<unknown>();
  return {
    subject,
    source: (op) =>
      pipe(
        subject.source,
        mergeMap((data) => fromValue({ operation: op, data, error: undefined, stale: false, hasNext: true } as OperationResult)),
      ),
  };
}

/** Shows the current path, so a test can see where the app navigated. */
function Where() {
  const loc = useLocation();
  return <output aria-label="Current page">{loc.pathname}</output>;
}

export function renderTree(api: MockApi, ui: ReactNode, { path = '/', route = '*' }: { path?: string; route?: string } = {}) {
  return (
    <Provider value={api.client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={route} element={ui} />
          <Route path="/identities/:id" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </Provider>
  );
}
