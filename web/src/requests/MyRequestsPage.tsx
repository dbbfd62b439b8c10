// A client user's own requests with live status and the reviewer's reason.
import { Link } from 'react-router';
import { graphql } from '../gql';
import { Loading, PageState, Status, relativeTime } from '../app/ui';
import { useLiveQuery } from '../api/live';

const MyAccessRequestsDocument = graphql(`
  query MyAccessRequests {
    accessRequests(first: 100) {
      nodes { ...AccessRequestFields }
    }
  }
`);

const MyAccessRequestUpdatedDocument = graphql(`
  subscription MyAccessRequestUpdated {
    accessRequestUpdated { ...AccessRequestFields }
  }
`);

export function MyRequestsPage() {
  const {
    result: { data, error, fetching },
  } = useLiveQuery({ query: MyAccessRequestsDocument, subscription: MyAccessRequestUpdatedDocument });
  if (error && !data) return <PageState error={error} />;
  if (fetching && !data) return <Loading what="your requests" />;
  const rows = data?.accessRequests.nodes ?? [];
  return (
    <section>
      <h1>My requests</h1>
      <p>
        <Link to="/request-access">Request access</Link>
      </p>
      {rows.length === 0 && <p>You have not requested access yet.</p>}
      <ul className="list" aria-label="My access requests">
        {rows.map((r) => (
          <li key={r.id} id={`request-${r.id}`} aria-label={`${r.platform.name} request`}>
            <h2 className="h3">
              {r.platform.name} · {r.identityType}
            </h2>
            <p>
              Status: <Status value={r.status} />{' '}
              <span className="muted">
                requested <time dateTime={r.createdAt}>{relativeTime(r.createdAt)}</time>
                {r.status === 'PENDING' && (
                  <>
                    , expires <time dateTime={r.expiresAt}>{relativeTime(r.expiresAt)}</time>
                  </>
                )}
              </span>
            </p>
            <p>Justification: {r.justification}</p>
            {r.reason && <p>Reviewer&apos;s reason: {r.reason}</p>}
            {r.identity && r.status === 'PROVISIONED' && (
              <p>
                <Link to={`/identities/${r.identity.id}`}>Open the identity</Link>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
