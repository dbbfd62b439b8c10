// Scaffold; the bell gets its count and live updates in the notifications screen.
import { Link } from 'react-router';

export function NotificationBell() {
  return (
    <Link to="/notifications" aria-label="Notifications">
      🔔
    </Link>
  );
}
