// The bell in the top bar: the unread count, live on notificationAdded.
import { Link } from 'react-router';
import { graphql } from '../gql';
import { useLiveQuery } from '../api/live';

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
  const {
    result: { data },
  } = useLiveQuery({ query: UnreadCountDocument, subscription: NotificationAddedDocument });
  const n = data?.notifications.unreadCount ?? 0;
  return (
    <Link to="/notifications" className="bell" aria-label={n === 1 ? 'Notifications, 1 unread' : `Notifications, ${n} unread`}>
      <svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {n > 0 && (
        <span className="count" aria-hidden="true">
          {n}
        </span>
      )}
    </Link>
  );
}
