// Live updates: a screen subscribes to the events that change what it shows and refetches
// its query when one arrives (the API's events carry the changed object, but refetching keeps
// one code path for lists, counts and ordering). After a lost connection comes back, every
// mounted screen refetches too, since events sent meanwhile were missed.
import { useEffect, useRef } from 'react';
import { useConnection } from '../app/session';

/** Calls refetch every time the websocket reconnects after a loss. */
export function useRefetchOnReconnect(refetch: () => void): void {
  const { reconnects } = useConnection();
  const first = useRef(reconnects);
  const cb = useRef(refetch);
  cb.current = refetch;
  useEffect(() => {
    if (reconnects !== first.current) cb.current();
  }, [reconnects]);
}

/** Calls refetch whenever `event` changes to a new non-null value (a subscription's data). */
export function useRefetchOn(event: unknown, refetch: () => void): void {
  const cb = useRef(refetch);
  cb.current = refetch;
  useEffect(() => {
    if (event != null) cb.current();
  }, [event]);
}
