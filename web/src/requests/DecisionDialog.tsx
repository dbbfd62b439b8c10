// Approve or reject one access request in a dialog, with an optional reason the requester
// reads. Approving an EXTERNAL_LOGIN or API_TOKEN request may carry the credentials now or
// leave them for later (updateCredentials on the identity).
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { graphql } from '../gql';
import type { AccessRequestFieldsFragment } from '../gql/graphql';
import { fieldErrors, toUiError } from '../api/errors';
import { ErrorNotice } from '../app/ui';

const ApproveDocument = graphql(`
  mutation ApproveAccessRequest($id: ID!, $reason: String, $credentials: ApprovalCredentialsInput) {
    approveAccessRequest(id: $id, reason: $reason, credentials: $credentials) {
      ...AccessRequestFields
    }
  }
`);

const RejectDocument = graphql(`
  mutation RejectAccessRequest($id: ID!, $reason: String) {
    rejectAccessRequest(id: $id, reason: $reason) {
      ...AccessRequestFields
    }
  }
`);

export type Decision = 'approve' | 'reject';

/** "Alice Example's Google Analytics 4 request" — how dialogs and menus name a request. */
export function requestLabel(r: Pick<AccessRequestFieldsFragment, 'requester' | 'platform'>): string {
  return `${r.requester.name}'s ${r.platform.name} request`;
}

interface Props {
  request: AccessRequestFieldsFragment;
  decision: Decision | null;
  onClose(): void;
  onDone?(decided: AccessRequestFieldsFragment): void;
}

export function DecisionDialog({ request, decision, onClose, onDone }: Props) {
  return (
    <Dialog.Root open={decision != null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog">
          {decision && <DecisionForm request={request} decision={decision} onClose={onClose} onDone={onDone} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function DecisionForm({ request, decision, onClose, onDone }: Props & { decision: Decision }) {
  const [reason, setReason] = useState('');
  const [cred, setCred] = useState({ username: '', password: '', token: '', totpSecret: '' });
  const [error, setError] = useState<CombinedError | null>(null);
  const [approveState, approve] = useMutation(ApproveDocument);
  const [rejectState, reject] = useMutation(RejectDocument);
  const busy = approveState.fetching || rejectState.fetching;
  const takesLogin = decision === 'approve' && request.identityType === 'EXTERNAL_LOGIN';
  const takesToken = decision === 'approve' && request.identityType === 'API_TOKEN';
  const fields = fieldErrors(error);
  const ui = toUiError(error);
  const verb = decision === 'approve' ? 'Approve' : 'Reject';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const why = reason.trim() === '' ? null : reason.trim();
    let credentials = null;
    if (takesLogin && (cred.username || cred.password || cred.totpSecret)) {
      credentials = { username: cred.username || null, password: cred.password || null, totpSecret: cred.totpSecret || null };
    } else if (takesToken && cred.token) {
      credentials = { token: cred.token };
    }
    const res =
      decision === 'approve'
        ? await approve({ id: request.id, reason: why, credentials })
        : await reject({ id: request.id, reason: why });
    if (res.error) {
      setError(res.error);
      return;
    }
    const decided = res.data && ('approveAccessRequest' in res.data ? res.data.approveAccessRequest : res.data.rejectAccessRequest);
    if (decided) onDone?.(decided);
    onClose();
  }

  const field = (name: keyof typeof cred, label: string, type = 'text', autoComplete = 'off') => (
    <>
      <label htmlFor={`decision-${name}`}>{label}</label>
      <input
        id={`decision-${name}`}
        type={type}
        autoComplete={autoComplete}
        value={cred[name]}
        aria-invalid={fields[name] ? true : undefined}
        aria-describedby={fields[name] ? `decision-${name}-error` : undefined}
        onChange={(e) => setCred({ ...cred, [name]: e.target.value })}
      />
      {fields[name] && (
        <p id={`decision-${name}-error`} className="error">
          {fields[name]}
        </p>
      )}
    </>
  );

  return (
    <form onSubmit={submit}>
      <Dialog.Title>
        {verb} {requestLabel(request)}
      </Dialog.Title>
      <Dialog.Description>
        {request.platform.name}, {request.identityType.replace('_', ' ').toLowerCase()} for {request.client.name}.{' '}
        {decision === 'approve' ? 'Approving creates the identity and starts provisioning.' : 'The requester is told, with your reason.'}
      </Dialog.Description>
      <label htmlFor="decision-reason">Reason (optional, the requester sees it)</label>
      <textarea
        id="decision-reason"
        rows={3}
        value={reason}
        aria-invalid={fields['reason'] ? true : undefined}
        aria-describedby={fields['reason'] ? 'decision-reason-error' : undefined}
        onChange={(e) => setReason(e.target.value)}
      />
      {fields['reason'] && (
        <p id="decision-reason-error" className="error">
          {fields['reason']}
        </p>
      )}
      {(takesLogin || takesToken) && (
        <fieldset>
          <legend>Credentials (optional: leave empty to add them later)</legend>
          {takesLogin && (
            <>
              {field('username', 'Username')}
              {field('password', 'Password', 'password', 'new-password')}
              {field('totpSecret', 'TOTP secret')}
            </>
          )}
          {takesToken && field('token', 'API token', 'password', 'new-password')}
        </fieldset>
      )}
      {ui && !(ui.kind === 'field' && ui.field && fields[ui.field.split('.').pop() ?? '']) && <ErrorNotice error={ui} />}
      <div className="dialog-actions">
        <Dialog.Close asChild>
          <button type="button">Cancel</button>
        </Dialog.Close>
        <button type="submit" className={decision === 'approve' ? 'primary' : 'danger'} disabled={busy}>
          {verb}
        </button>
      </div>
    </form>
  );
}
