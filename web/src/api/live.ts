// Live data, subscribe-then-refetch: a screen reads its query, subscribes to the event that
// changes it, and reads the query again once the subscription is on the wire, that is each
// time the websocket is acknowledged with the subscription started (the first connection and
// every reconnection after a loss), or at once when the socket was already up. A change made
// before the subscription started, or while the connection was down, is then in the second
// read; every later one arrives as an event. No polling.
//
// Each event refetches the query by default (one code path for lists, counts and ordering);
// a screen whose event carries the whole object can take it with onEvent instead.
import { useCallback, useEffect, useRef } from 'react';
import { useQuery, useSubscription, type AnyVariables, type TypedDocumentNode, type UseQueryArgs, type UseQueryState } from 'urql';
import { useConnection } from '../app/session';

export interface LiveQueryArgs<Data, Variables extends AnyVariables, Event, EventVariables extends AnyVariables> {
  query: TypedDocumentNode<Data, Variables>;
  variables?: Variables;
  subscription: TypedDocumentNode<Event, EventVariables>;
  subscriptionVariables?: EventVariables;
  /** Neither reads nor subscribes while true. */
  pause?: boolean;
  /** Takes each event instead of refetching the query. */
  onEvent?: (event: Event) => void;
}

export interface LiveQuery<Data, Variables extends AnyVariables> {
  result: UseQueryState<Data, Variables>;
  /** Reads the query again from the network. */
  refetch: () => void;
}

export function useLiveQuery<Data, Variables extends AnyVariables, Event, EventVariables extends AnyVariables>(
  args: LiveQueryArgs<Data, Variables, Event, EventVariables>,
): LiveQuery<Data, Variables> {
  const { query, variables, subscription, subscriptionVariables, pause = false, onEvent } = args;
  const [result, reexecute] = useQuery<Data, Variables>({ query, variables, pause } as UseQueryArgs<Variables, Data>);
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  // Declared before the effects below, so the subscription is started when they run.
  const [live] = useSubscription<Event, Event, EventVariables>({ query: subscription, variables: subscriptionVariables, pause } as never);

  const latest = useRef({ refetch, onEvent });
  latest.current = { refetch, onEvent };

  const { connected, connections } = useConnection();
  const subscribed = !pause && connected;
  useEffect(() => {
    if (subscribed) latest.current.refetch();
  }, [subscribed, connections]);

  useEffect(() => {
    if (live.data == null) return;
    const { onEvent: take, refetch: again } = latest.current;
    if (take) take(live.data);
    else again();
  }, [live.data]);

  return { result, refetch };
}
