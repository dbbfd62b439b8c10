// The session: who is logged in (with what their role allows, from the API), login, logout,
// and the websocket's connection state. An ended session (UNAUTHENTICATED on any call, or the
// socket closed with 4401) returns to the login page with a message.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider, useMutation, useQuery } from 'urql';
import { createApiClient } from '../api/client';
import { graphql } from '../gql';
import type { MeQuery } from '../gql/graphql';

export const MeDocument = graphql(`
  query Me {
    me {
      id
      name
      email
      role
      client { id name }
      agency { id name }
      can {
        readAgency readOps manage decideRequests submitRequest
        revealAgencyIdentity revealClientIdentity changeSettings viewQueues
      }
    }
  }
`);

const LoginDocument = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { id }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

export type Me = MeQuery['me'];

interface SessionValue {
  /** The logged-in user, or null on the login page. */
  me: Me | null;
  loading: boolean;
  /** Why the user is on the login page (e.g. the session ended). */
  notice: string | null;
  login(email: string, password: string): Promise<import('urql').CombinedError | null>;
  logout(): Promise<void>;
}

export interface ConnectionValue {
  /** False while the websocket is down after having been up (the banner shows). */
  online: boolean;
  /** Counts reconnects after a loss. */
  reconnects: number;
  /** True while the websocket is open and acknowledged: subscriptions started now are sent at once. */
  connected: boolean;
  /** Counts every time the websocket was acknowledged (first connection and each reconnection). */
  connections: number;
}

const SessionContext = createContext<SessionValue | null>(null);
export const ConnectionContext = createContext<ConnectionValue>({ online: true, reconnects: 0, connected: false, connections: 0 });

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside ApiProvider');
  return v;
}

/** The logged-in user (screens behind the login page only). */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}

export function useConnection(): ConnectionValue {
  return useContext(ConnectionContext);
}

/** Provides the GraphQL client, the session and the connection state to the app. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [online, setOnline] = useState(true);
  const [reconnects, setReconnects] = useState(0);
  const [link, setLink] = useState({ connected: false, connections: 0 });
  const [ended, setEnded] = useState(0);
  const wasLost = useRef(false);
  const endSession = useRef<() => void>(() => {});

  const api = useMemo(
    () =>
      createApiClient(
        (state) => {
          if (state !== 'connected') setLink((l) => ({ ...l, connected: false }));
          if (state === 'lost') {
            wasLost.current = true;
            setOnline(false);
          } else if (state === 'connected') {
            setLink((l) => ({ connected: true, connections: l.connections + 1 }));
            setOnline(true);
            if (wasLost.current) {
              wasLost.current = false;
              setReconnects((n) => n + 1);
            }
          }
        },
        () => endSession.current(),
      ),
    // A new client per session: nothing cached for one user is seen by the next.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ended],
  );

  return (
    <UrqlProvider value={api.client}>
      <ConnectionContext.Provider value={{ online, reconnects, ...link }}>
        <Session
          key={ended}
          onEnd={(fn) => (endSession.current = fn)}
          restart={() => {
            api.dispose();
            setEnded((n) => n + 1);
          }}
        >
          {children}
        </Session>
      </ConnectionContext.Provider>
    </UrqlProvider>
  );
}

function Session({ children, onEnd, restart }: { children: ReactNode; onEnd: (fn: () => void) => void; restart: () => void }) {
  const [notice, setNotice] = useState<string | null>(() => sessionStorage.getItem('accesshive.notice'));
  const [{ data, fetching, error }, refetchMe] = useQuery({ query: MeDocument, requestPolicy: 'network-only' });
  const [, loginMut] = useMutation(LoginDocument);
  const [, logoutMut] = useMutation(LogoutDocument);
  const me = data?.me ?? null;
  const meRef = useRef(me);
  meRef.current = me;

  onEnd(() => {
    if (!meRef.current) return;
    // Kept across the client restart below so the login page can say why the user is there.
    sessionStorage.setItem('accesshive.notice', 'Your session has ended. Please log in again.');
    restart();
  });

  const login = useCallback(
    async (email: string, password: string) => {
      const res = await loginMut({ email, password });
      if (res.error) return res.error;
      sessionStorage.removeItem('accesshive.notice');
      setNotice(null);
      // Read the user (with capabilities) fresh after login rather than from login's answer.
      refetchMe({ requestPolicy: 'network-only' });
      return null;
    },
    [loginMut, refetchMe],
  );

  const logout = useCallback(async () => {
    await logoutMut({});
    sessionStorage.setItem('accesshive.notice', 'You have logged out.');
    restart();
  }, [logoutMut, restart]);

  const value = useMemo<SessionValue>(
    () => ({ me, loading: fetching && !data && !error, notice, login, logout }),
    [me, fetching, data, error, notice, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
