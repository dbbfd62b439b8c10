// A client's identities (the client page's Identities tab, and a client user's Identities
// page): each row links to the identity's page and shows its provisioning state live (one
// identityUpdated subscription per row, all over the one websocket). Owners and admins get
// "Create identity", which opens the wizard for this client.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useSubscription } from 'urql';
import { graphql } from '../gql';
import type { IdentitiesTabQuery } from '../gql/graphql';
import { useMe } from '../app/session';
import { ColumnHeads, ErrorNotice, Loading, PageState, Status, relativeTime } from '../app/ui';
import { useLiveQuery } from '../api/live';
import { typeLabel } from './labels';
import './identities.css';

export interface IdentitiesTabProps {
  clientId: string;
}

const IdentitiesTabDocument = graphql(`
  query IdentitiesTab($clientId: ID!, $after: String) {
    identities(clientId: $clientId, first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        type
        displayName
        email
        provisioningState
        lastError
        updatedAt
        platform { key name }
      }
    }
  }
`);

const IdentityRowUpdatedDocument = graphql(`
  subscription IdentityRowUpdated($id: ID!) {
    identityUpdated(identityId: $id) { id provisioningState lastError updatedAt }
  }
`);

// An approval creates an identity for the client: the list reads itself again on each one.
const IdentitiesTabRequestsDocument = graphql(`
  subscription IdentitiesTabRequests($clientId: ID) {
    accessRequestUpdated(clientId: $clientId) { id status }
  }
`);

type Row = IdentitiesTabQuery['identities']['nodes'][number];

export function IdentitiesTab({ clientId }: IdentitiesTabProps) {
  const me = useMe();
  const [after, setAfter] = useState<string | null>(null);
  // Rows follow identityUpdated each; the list is read again on each request event, once the
  // subscriptions are on the wire and after a reconnection (a row's change missed meanwhile).
  const {
    result: { data, error, fetching },
  } = useLiveQuery({
    query: IdentitiesTabDocument,
    variables: { clientId, after },
    subscription: IdentitiesTabRequestsDocument,
    subscriptionVariables: { clientId },
  });

  if (error && !data) return error.graphQLErrors.length ? <PageState error={error} /> : <ErrorNotice error={error} />;
  if (!data) return fetching ? <Loading what="identities" /> : null;
  const conn = data.identities;
  return (
    <section aria-labelledby={`identities-${clientId}`}>
      <div className="list-toolbar">
        <h2 id={`identities-${clientId}`}>
          Identities <span className="muted">({conn.totalCount})</span>
        </h2>
        {me.can.manage && (
          <Link className="button-link" to={`/identities/new?clientId=${encodeURIComponent(clientId)}`}>
            Create identity
          </Link>
        )}
      </div>
      {conn.nodes.length === 0 ? (
        <p className="muted">No identities yet.{me.can.submitRequest && ' Request access to get one.'}</p>
      ) : (
        <table className="responsive identity-list">
          <ColumnHeads columns={['Identity', 'Platform', 'Type', 'State', 'Updated']} />
          <tbody>
            {conn.nodes.map((row) => (
              <IdentityRow key={row.id} row={row} />
            ))}
          </tbody>
        </table>
      )}
      {(after || conn.pageInfo.hasNextPage) && (
        <div className="actions">
          {after && (
            <button type="button" onClick={() => setAfter(null)}>
              First page
            </button>
          )}
          {conn.pageInfo.hasNextPage && (
            <button type="button" onClick={() => setAfter(conn.pageInfo.endCursor ?? null)}>
              Next page
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function IdentityRow({ row }: { row: Row }) {
  const [live] = useSubscription({ query: IdentityRowUpdatedDocument, variables: { id: row.id } });
  const [state, setState] = useState({ provisioningState: row.provisioningState, lastError: row.lastError, updatedAt: row.updatedAt });
  useEffect(() => setState({ provisioningState: row.provisioningState, lastError: row.lastError, updatedAt: row.updatedAt }), [row]);
  useEffect(() => {
    const u = live.data?.identityUpdated;
    if (u) setState({ provisioningState: u.provisioningState, lastError: u.lastError, updatedAt: u.updatedAt });
  }, [live.data]);
  return (
    <tr>
      <td data-label="Identity">
        <Link to={`/identities/${row.id}`}>{row.displayName}</Link>
        {row.email && <div className="muted">{row.email}</div>}
      </td>
      <td data-label="Platform">{row.platform?.name ?? 'All platforms'}</td>
      <td data-label="Type">{typeLabel(row.type)}</td>
      <td data-label="State">
        <Status value={state.provisioningState} />
        {state.provisioningState === 'FAILED' && state.lastError && <div className="muted">{state.lastError}</div>}
      </td>
      <td data-label="Updated">{relativeTime(state.updatedAt)}</td>
    </tr>
  );
}

export default IdentitiesTab;
