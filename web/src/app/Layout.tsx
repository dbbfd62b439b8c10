// The app shell: navigation by what the caller's role allows, the notification bell, logout,
// and the connection banner.
import { NavLink, Navigate, Outlet, useLocation } from 'react-router';
import { useConnection, useSession } from './session';
import { Loading } from './ui';
import { NotificationBell } from '../notifications/NotificationBell';

export function Layout() {
  const { me, loading, logout } = useSession();
  const { online } = useConnection();
  const location = useLocation();
  if (loading) return <Loading what="your session" />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  const staff = me.can.readOps;
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">AccessHive</span>
        <nav aria-label="Main">
          <ul>
            {staff && (
              <li>
                <NavLink to="/clients">Clients</NavLink>
              </li>
            )}
            {me.can.manage && (
              <li>
                <NavLink to="/identities/new">Create identity</NavLink>
              </li>
            )}
            {me.can.submitRequest && (
              <>
                <li>
                  <NavLink to="/my/identities">Identities</NavLink>
                </li>
                <li>
                  <NavLink to="/my/requests">My requests</NavLink>
                </li>
                <li>
                  <NavLink to="/request-access">Request access</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <div className="account">
          <NotificationBell />
          <span className="who" title={me.email}>
            {me.name} · {me.client?.name ?? me.agency.name}
          </span>
          <button type="button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      {!online && (
        <div className="banner" role="alert">
          Connection lost. Reconnecting… Live updates resume when the connection is back.
        </div>
      )}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** The start page: staff go to clients, client users to their identities. */
export function Home() {
  const { me } = useSession();
  if (!me) return null;
  return <Navigate to={me.can.readOps ? '/clients' : '/my/identities'} replace />;
}
