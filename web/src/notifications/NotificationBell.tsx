// The bell in the top bar: the unread count, live on notificationAdded.
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../gql';
import { useRefetchOn, useRefetchOnReconnect } from '../api/live';

const UnreadCountDocument = graphql(`
  query UnreadCount {
    notifications(unreadOnly: true, first: 1) { unreadCount }
  }
`);

export const NotificationAddedDocument = graphql(`
  subscription NotificationAdded {
    notificationAdded { id title }
  }
`);

export function NotificationBell() {
  const [{ data }, refetch] = useQuery({ query: UnreadCountDocument });
  const [live] = useSubscription({ query: NotificationAddedDocument });
  const again = () => refetch({ requestPolicy: 'network-only' });
  useRefetchOn(live.data, again);
  useRefetchOnReconnect(again);
  const n = data?.notifications.unreadCount ?? 0;
  return (
    <Link to="/notifications" className="bell" aria-label={n === 1 ? 'Notifications, 1 unread' : `Notifications, ${n} unread`}>
      <span aria-hidden="true">🔔</span>
      {n > 0 && (
        <span className="count" aria-hidden="true">
          {n}
        </span>
      )}
    </Link>
  );
}
