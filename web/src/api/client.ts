// The console's one GraphQL client: urql over HTTP for queries and mutations and graphql-ws
// for subscriptions. The session cookie authenticates both (same origin, so the browser sends
// it on fetch and on the websocket upgrade).
import { Client, cacheExchange, fetchExchange, subscriptionExchange, type Exchange, type Operation, type OperationResult } from 'urql';
import { createClient as createWSClient, type Client as WSClient } from 'graphql-ws';
import { filter, merge, never, pipe, share, tap, type Source } from 'wonka';
import { getOperationName } from '@urql/core';

/** Operations whose results hold secrets: they never enter urql's cache (STYLE: no secret outlives its countdown). */
export const SENSITIVE_FIELDS = ['revealCredentials', 'credentialReveal', 'revealCountdown'];

export function isSensitive(op: Operation): boolean {
  if (op.context.sensitive) return true;
  for (const def of op.query.definitions) {
    if (def.kind !== 'OperationDefinition') continue;
    for (const sel of def.selectionSet.selections) {
      if (sel.kind === 'Field' && SENSITIVE_FIELDS.includes(sel.name.value)) return true;
    }
  }
  return false;
}

/**
 * The document cache, bypassed by sensitive operations: they go straight to the network and
 * their results are never stored, so a reveal cannot be read back from memory after its
 * countdown. Both streams share the one forward() an exchange may call (urql throws on a second
 * call outside production builds): the cache's misses and the sensitive operations go down
 * together, and on the way back the sensitive results skip the cache.
 */
export const noSecretsCacheExchange: Exchange = ({ forward, client, dispatchDebug }) => {
  return (ops$) => {
    const shared = pipe(ops$, share);
    let sensitiveResults$: Source<OperationResult> = never;
    const cached = cacheExchange({
      client,
      dispatchDebug,
      forward: (cacheOps$) => {
        const results$ = pipe(forward(merge([cacheOps$, pipe(shared, filter((op) => isSensitive(op)))])), share);
        sensitiveResults$ = pipe(results$, filter((res) => isSensitive(res.operation)));
        return pipe(results$, filter((res) => !isSensitive(res.operation)));
      },
    });
    const cachedResults$ = cached(pipe(shared, filter((op) => !isSensitive(op))));
    return merge([cachedResults$, sensitiveResults$]);
  };
};

/**
 * Connection events for the banner and for live screens: 'connected' each time the socket is
 * acknowledged (subscriptions waiting for it are sent then), 'lost' when it drops after having
 * been up, 'closed' when it closes normally (no subscription left), 'session-ended'.
 */
export type ConnectionListener = (state: 'connected' | 'lost' | 'closed' | 'session-ended') => void;

export interface ApiClient {
  client: Client;
  ws: WSClient;
  /** Ends the socket and stops listening to the browser (the session is over). */
  dispose(): void;
}

const CLOSE_SESSION_ENDED = 4401;
/** A ping every PING_MS; without its pong within PONG_WAIT_MS the socket counts as lost. */
const PING_MS = 10_000;
const PONG_WAIT_MS = 5_000;

/** Builds the urql client; listeners hear of lost and restored websocket connections and ended sessions. */
export function createApiClient(onConnection: ConnectionListener, onUnauthenticated: () => void): ApiClient {
  // Sessions end server-side; the socket closes with 4401 and HTTP calls answer UNAUTHENTICATED.
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let everConnected = false;
  // A dropped network often closes nothing: the socket just stops carrying data. The client
  // pings, and a missing pong (or a handshake never acknowledged) ends the socket at once, so
  // the banner shows and the client reconnects when it can.
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  const ws: WSClient = createWSClient({
    url: `${proto}//${location.host}/graphql`,
    lazy: true,
    lazyCloseTimeout: 3000,
    keepAlive: PING_MS,
    connectionAckWaitTimeout: PONG_WAIT_MS * 2,
    // Keep retrying: a restarted server or a dropped network comes back; the banner shows meanwhile.
    retryAttempts: Infinity,
    shouldRetry: (ev) => !(ev && typeof ev === 'object' && 'code' in ev && (ev as CloseEvent).code === CLOSE_SESSION_ENDED),
    retryWait: async (retries) => {
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** retries, 5000)));
    },
    on: {
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => ws.terminate(), PONG_WAIT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      connected: () => {
        onConnection('connected');
        everConnected = true;
      },
      closed: (ev) => {
        clearTimeout(pongTimer);
        const code = ev && typeof ev === 'object' && 'code' in ev ? (ev as CloseEvent).code : 0;
        if (code === CLOSE_SESSION_ENDED) {
          onConnection('session-ended');
          onUnauthenticated();
        } else if (everConnected && code !== 1000) {
          onConnection('lost');
        } else {
          onConnection('closed');
        }
      },
    },
  });

  // The device says its network is gone: the socket is dead even if it has not noticed yet.
  const listening = new AbortController();
  window.addEventListener('offline', () => ws.terminate(), { signal: listening.signal });

  // Any UNAUTHENTICATED answer (an expired or revoked session) sends the user to login.
  const authExchange: Exchange = ({ forward }) => (ops$) =>
    pipe(
      forward(ops$),
      tap((res) => {
        const ended = res.error?.graphQLErrors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED');
        // A failed login is answered on its form, not by a redirect.
        if (ended && getOperationName(res.operation.query) !== 'Login') onUnauthenticated();
      }),
    );

  const client = new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin' },
    requestPolicy: 'cache-and-network',
    exchanges: [
      noSecretsCacheExchange,
      authExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  const dispose = () => {
    listening.abort();
    ws.terminate();
  };
  return { client, ws, dispose };
}
