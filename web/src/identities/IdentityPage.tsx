// The identity detail page (route /identities/:id): what the identity is, its provisioning as
// steps with the last error, provider statuses, Retry Provisioning, and the credentials panel
// (reveal with its countdown, rotate, update) and delete. Everything follows identityUpdated
// live; actions the caller's role does not allow (me.can, from the API) are not offered.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { IdentityDetailFragment } from '../gql/graphql';
import { useMe } from '../app/session';
import { ColumnHeads, Loading, PageState, Status } from '../app/ui';
import { useLiveQuery } from '../api/live';
import './documents';
import { ProvisioningSteps } from './ProvisioningSteps';
import { RetryProvisioning } from './RetryProvisioning';
import { RevealPanel } from './RevealPanel';
import { CredentialsButton } from './CredentialDialogs';
import { DeleteIdentityButton } from './DeleteIdentityButton';
import { connectionLabel, formatTime, originLabel, typeLabel } from './labels';
import './identities.css';

const IdentityPageDocument = graphql(`
  query IdentityPage($id: ID!) {
    identity(id: $id) { ...IdentityDetail }
  }
`);

const IdentityPageUpdatedDocument = graphql(`
  subscription IdentityPageUpdated($id: ID!) {
    identityUpdated(identityId: $id) { ...IdentityDetail }
  }
`);

const IdentityPagePlatformDocument = graphql(`
  query IdentityPagePlatforms {
    platforms { key connection { state } }
  }
`);

export function IdentityPage() {
  const { id = '' } = useParams();
  // A new page per identity: nothing (a reveal above all) carries over from another one.
  return <IdentityView key={id} id={id} />;
}

function IdentityView({ id }: { id: string }) {
  const me = useMe();
  // The latest of: the query's answer, each identityUpdated event, and each mutation's answer.
  const [shown, setShown] = useState<IdentityDetailFragment | null>(null);
  // Subscribe-then-refetch: identityUpdated carries the whole identity; the query is read again
  // once the subscription is on the wire and after each reconnection, so no change is missed.
  const {
    result: { data, error, fetching },
  } = useLiveQuery({
    query: IdentityPageDocument,
    variables: { id },
    subscription: IdentityPageUpdatedDocument,
    subscriptionVariables: { id },
    onEvent: (e) => setShown(e.identityUpdated),
  });
  const [{ data: platforms }] = useQuery({ query: IdentityPagePlatformDocument, pause: !me.can.readOps });
  useEffect(() => {
    if (data?.identity) setShown(data.identity);
  }, [data]);

  if (error && !data) return <PageState error={error} />;
  if (!shown) return fetching ? <Loading what="the identity" /> : null;
  const identity = shown;
  const state = identity.provisioningState;
  const managed = identity.type === 'MANAGED_GWS';
  const gone = state === 'DEPROVISIONING' || state === 'DELETED';
  const mayReveal = identity.client ? me.can.revealClientIdentity : me.can.revealAgencyIdentity;
  const connection = platforms?.platforms.find((p) => p.key === identity.platform?.key)?.connection?.state;

  return (
    <article aria-labelledby="identity-title">
      <p>
        {identity.client ? (
          me.can.readOps ? (
            <Link to={`/clients/${identity.client.id}`}>← {identity.client.name}</Link>
          ) : (
            <Link to="/my/identities">← Identities</Link>
          )
        ) : (
          <span className="muted">Agency identity</span>
        )}
      </p>
      <div className="identity-header">
        <h1 id="identity-title">{identity.displayName}</h1>
        <Status value={state} />
      </div>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{typeLabel(identity.type)}</dd>
        <dt>Platform</dt>
        <dd>
          {identity.platform ? identity.platform.name : 'All platforms (agency-wide)'}
          {connection && connection !== 'OPERATIONAL' && <span className="muted"> · connection {connectionLabel(connection)}</span>}
        </dd>
        <dt>Client</dt>
        <dd>{identity.client ? identity.client.name : 'None: owned by the agency'}</dd>
        <dt>Origin</dt>
        <dd>{originLabel(identity.origin)}</dd>
        {identity.email && (
          <>
            <dt>Address</dt>
            <dd>{identity.email}</dd>
          </>
        )}
        {identity.loginUrl && (
          <>
            <dt>Login URL</dt>
            <dd>
              <a href={identity.loginUrl} target="_blank" rel="noreferrer noopener">
                {identity.loginUrl}
              </a>
            </dd>
          </>
        )}
        {identity.tokenExpiresAt && (
          <>
            <dt>Token expires</dt>
            <dd>{formatTime(identity.tokenExpiresAt)}</dd>
          </>
        )}
        {identity.notes && (
          <>
            <dt>Notes</dt>
            <dd>{identity.notes}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatTime(identity.createdAt)}</dd>
        <dt>Credentials rotated</dt>
        <dd>{identity.credentialsRotatedAt ? formatTime(identity.credentialsRotatedAt) : 'Never'}</dd>
      </dl>

      <section className="panel" aria-labelledby="provisioning-title">
        <h2 id="provisioning-title">Provisioning</h2>
        <p className="muted" aria-live="polite">
          State: <strong>{state}</strong> since {formatTime(identity.stateChangedAt)}
        </p>
        <ProvisioningSteps state={state} type={identity.type} lastError={identity.lastError} />
        {managed && me.can.manage && !gone && <RetryProvisioning identity={identity} onChanged={setShown} />}
      </section>

      <section className="panel" aria-labelledby="providers-title">
        <h2 id="providers-title">Provider statuses</h2>
        {identity.providerStatuses.length === 0 ? (
          <p className="muted">No provider is involved yet.</p>
        ) : (
          <table className="responsive">
            <ColumnHeads columns={['Provider', 'Status', 'Last error', 'Updated']} />
            <tbody>
              {identity.providerStatuses.map((p) => (
                <tr key={p.provider}>
                  <td data-label="Provider">{p.provider}</td>
                  <td data-label="Status">
                    <Status value={p.status} />
                  </td>
                  <td data-label="Last error">{p.lastError ?? '—'}</td>
                  <td data-label="Updated">{formatTime(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="credentials-title">
        <h2 id="credentials-title">Credentials</h2>
        {state === 'PROVISIONED' && mayReveal ? (
          // Remounted when the credentials change: a reveal of the old ones does not stay up.
          <RevealPanel key={identity.credentialsRotatedAt ?? 'initial'} identityId={identity.id} displayName={identity.displayName} />
        ) : (
          <p className="muted">
            {!mayReveal
              ? 'Your role does not allow revealing these credentials.'
              : gone
                ? 'The identity is being deleted: its credentials can no longer be revealed.'
                : `Credentials can be revealed once the identity is PROVISIONED (it is ${state}).`}
          </p>
        )}
        {me.can.manage && !gone && (
          <div className="actions">
            {state === 'PROVISIONED' && <CredentialsButton mode="rotate" identity={identity} onChanged={setShown} />}
            {!managed && <CredentialsButton mode="update" identity={identity} onChanged={setShown} />}
          </div>
        )}
      </section>

      {me.can.manage && !gone && (
        <section className="panel" aria-labelledby="danger-title">
          <h2 id="danger-title">Delete</h2>
          <DeleteIdentityButton identity={identity} onChanged={setShown} />
        </section>
      )}
    </article>
  );
}

export default IdentityPage;
