// Your notifications, newest first, live; each links to its request or identity and can be
// marked read.
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { useMe, type Me } from '../app/session';
import { ErrorNotice, Loading, PageState, relativeTime } from '../app/ui';
import { useLiveQuery } from '../api/live';
import { NotificationAddedDocument } from './NotificationBell';
import { accessRequestHref } from '../requests/links';

const NotificationsDocument = graphql(`
  query Notifications {
    notifications(first: 50) {
      unreadCount
      nodes { id kind title body data readAt createdAt }
    }
  }
`);

const MarkReadDocument = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids)
  }
`);

/** Where a notification points: its identity, else its request's list. */
export function notificationHref(data: unknown, me: Pick<Me, 'can'>): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (typeof d['identityId'] === 'string') return `/identities/${d['identityId']}`;
  if (typeof d['accessRequestId'] === 'string') {
    return accessRequestHref(d['accessRequestId'], typeof d['clientId'] === 'string' ? d['clientId'] : null, me);
  }
  return null;
}

export function NotificationsPage() {
  const me = useMe();
  const {
    result: { data, error, fetching },
    refetch: again,
  } = useLiveQuery({ query: NotificationsDocument, subscription: NotificationAddedDocument });
  const [markState, mark] = useMutation(MarkReadDocument);

  async function markRead(ids: string[]) {
    const res = await mark({ ids }, { additionalTypenames: ['Notification', 'NotificationConnection'] });
    if (!res.error) again();
  }

  if (error && !data) return <PageState error={error} />;
  if (fetching && !data) return <Loading what="notifications" />;
  const items = data?.notifications.nodes ?? [];
  const unread = items.filter((n) => !n.readAt).map((n) => n.id);
  return (
    <section>
      <h1>Notifications</h1>
      <p>
        {data?.notifications.unreadCount ?? 0} unread.{' '}
        {unread.length > 0 && (
          <button type="button" onClick={() => void markRead(unread)}>
            Mark all read
          </button>
        )}
      </p>
      <ErrorNotice error={markState.error} />
      {items.length === 0 && <p>No notifications yet.</p>}
      <ul className="list" aria-label="Notifications">
        {items.map((n) => {
          const href = notificationHref(n.data, me);
          return (
            <li key={n.id} className={n.readAt ? '' : 'unread'}>
              <h2 className="h3">
                {href ? <Link to={href}>{n.title}</Link> : n.title}
                {!n.readAt && <span className="muted"> (unread)</span>}
              </h2>
              <p>{n.body}</p>
              <p className="muted">
                <time dateTime={n.createdAt}>{relativeTime(n.createdAt)}</time>{' '}
                {!n.readAt && (
                  <button type="button" onClick={() => void markRead([n.id])} aria-label={`Mark read: ${n.title}`}>
                    Mark read
                  </button>
                )}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
