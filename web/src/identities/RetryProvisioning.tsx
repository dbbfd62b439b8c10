// The Retry Provisioning button: enabled when the identity is FAILED or has been PROVISIONING
// longer than the server's configured stuck time (the API says from when, in
// retryProvisioningAfter); otherwise disabled with the reason next to it. The API still
// decides: a refusal (e.g. a provisioning job still active) is shown under the button.
import { useEffect, useId, useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { IdentityDetailFragment } from '../gql/graphql';
import { ErrorNotice } from '../app/ui';

const RetryProvisioningDocument = graphql(`
  mutation RetryProvisioning($identityId: ID!) {
    retryProvisioning(identityId: $identityId) { ...IdentityDetail }
  }
`);

/** The current time, re-rendered once `until` (ms) has passed, so a button enables itself on time. */
function useNowUntil(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until == null || until <= now) return;
    // Tick once a second while waiting so the "in N s" text stays true.
    const t = setTimeout(() => setNow(Date.now()), Math.min(1000, until - now));
    return () => clearTimeout(t);
  }, [until, now]);
  return now;
}

/** Why the retry is not possible now, or null when it is. */
export function retryBlockedReason(identity: Pick<IdentityDetailFragment, 'provisioningState' | 'retryProvisioningAfter'>, now: number): string | null {
  const after = identity.retryProvisioningAfter ? new Date(identity.retryProvisioningAfter).getTime() : null;
  switch (identity.provisioningState) {
    case 'FAILED':
      return null;
    case 'PROVISIONING':
      if (after != null && after <= now) return null;
      if (after == null) return 'Provisioning is in progress.';
      return `Provisioning is in progress. If it is still running at ${new Date(after).toLocaleTimeString()} (in ${Math.ceil((after - now) / 1000)} s), it counts as stuck and can be retried.`;
    case 'PENDING':
      return 'Provisioning has not started yet: a job will pick it up.';
    case 'PROVISIONED':
      return 'Provisioning succeeded: there is nothing to retry.';
    default:
      return `The identity is ${identity.provisioningState}: there is nothing to retry.`;
  }
}

export function RetryProvisioning({ identity, onChanged }: { identity: IdentityDetailFragment; onChanged(i: IdentityDetailFragment): void }) {
  const after = identity.retryProvisioningAfter ? new Date(identity.retryProvisioningAfter).getTime() : null;
  const now = useNowUntil(identity.provisioningState === 'PROVISIONING' ? after : null);
  const [{ fetching, error }, retry] = useMutation(RetryProvisioningDocument);
  const reasonId = useId();
  const reason = retryBlockedReason(identity, now);
  return (
    <div className="retry">
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={reason != null || fetching}
          aria-describedby={reason ? reasonId : undefined}
          onClick={async () => {
            const res = await retry({ identityId: identity.id });
            if (res.data) onChanged(res.data.retryProvisioning);
          }}
        >
          {fetching ? 'Retrying…' : 'Retry Provisioning'}
        </button>
      </div>
      {reason && (
        <p id={reasonId} className="reason">
          {reason}
        </p>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
