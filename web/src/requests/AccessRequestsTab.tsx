// A client's access requests (Clients › client › Access Requests): the guide's queue. Rows
// change live on accessRequestUpdated, through APPROVED to PROVISIONED, without a reload.
import { Link } from 'react-router';
import { graphql } from '../gql';
import { useMe } from '../app/session';
import { ColumnHeads, Loading, PageState, Status, relativeTime } from '../app/ui';
import { useLiveQuery } from '../api/live';
import { RequestActionsMenu } from './RequestActionsMenu';

const ClientAccessRequestsDocument = graphql(`
  query ClientAccessRequests($clientId: ID!) {
    accessRequests(clientId: $clientId, first: 100) {
      nodes { ...AccessRequestFields }
    }
  }
`);

const ClientAccessRequestUpdatedDocument = graphql(`
  subscription ClientAccessRequestUpdated($clientId: ID!) {
    accessRequestUpdated(clientId: $clientId) { ...AccessRequestFields }
  }
`);

export function AccessRequestsTab({ clientId }: { clientId: string }) {
  const me = useMe();
  const {
    result: { data, error, fetching },
    refetch: again,
  } = useLiveQuery({
    query: ClientAccessRequestsDocument,
    variables: { clientId },
    subscription: ClientAccessRequestUpdatedDocument,
    subscriptionVariables: { clientId },
  });
  if (error && !data) return <PageState error={error} />;
  if (fetching && !data) return <Loading what="access requests" />;
  const rows = data?.accessRequests.nodes ?? [];
  if (rows.length === 0) return <p>No access requests from this client.</p>;
  return (
    <table className="responsive" aria-label="Access requests">
      <ColumnHeads
        columns={['Requester', 'Platform', 'Identity type', 'Justification', 'Age', 'Expires', 'Status', { srOnly: 'Actions' }]}
      />
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} id={`request-${r.id}`} aria-label={`${r.requester.name}'s ${r.platform.name} request`}>
            <td data-label="Requester">{r.requester.name}</td>
            <td data-label="Platform">{r.platform.name}</td>
            <td data-label="Identity type">{r.identityType}</td>
            <td data-label="Justification">{r.justification}</td>
            <td data-label="Age">
              <time dateTime={r.createdAt}>{relativeTime(r.createdAt)}</time>
            </td>
            <td data-label="Expires">
              {r.status === 'PENDING' ? <time dateTime={r.expiresAt}>{relativeTime(r.expiresAt)}</time> : '—'}
            </td>
            <td data-label="Status">
              <Status value={r.status} />
              {r.identity?.provisioningState === 'FAILED' && <span className="error"> provisioning failed: {r.identity.lastError}</span>}
              {r.reason && <div className="muted">Reason: {r.reason}</div>}
              {r.identity && (
                <div>
                  <Link to={`/identities/${r.identity.id}`}>Identity</Link>
                </div>
              )}
            </td>
            <td data-label="Actions">
              <RequestActionsMenu request={r} canDecide={me.can.decideRequests} onDecided={again} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
