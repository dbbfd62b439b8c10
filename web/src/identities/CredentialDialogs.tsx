// Rotate and update credentials, each in a dialog whose fields carry the API's field errors.
// MANAGED_GWS passwords are generated: rotating one enqueues a job that sets a new password in
// Google Workspace. EXTERNAL_LOGIN and API_TOKEN take the new values from the person.
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent, type ReactNode } from 'react';
import { graphql } from '../gql';
import type { IdentityDetailFragment } from '../gql/graphql';
import { ErrorNotice } from '../app/ui';
import { FormField } from './FormField';
import { splitErrors } from './formErrors';
import { useSecretMutation } from './useSecretMutation';

const RotateCredentialsDocument = graphql(`
  mutation RotateCredentials($identityId: ID!, $input: RotateCredentialsInput) {
    rotateCredentials(identityId: $identityId, input: $input) { ...IdentityDetail }
  }
`);

const UpdateCredentialsDocument = graphql(`
  mutation UpdateCredentials($input: UpdateCredentialsInput!) {
    updateCredentials(input: $input) { ...IdentityDetail }
  }
`);

/** A Radix dialog with a title, a description and the page's dialog styles. */
export function IdentityDialog({
  open,
  onOpenChange,
  title,
  description,
  children,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title>{title}</Dialog.Title>
          <Dialog.Description>{description}</Dialog.Description>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

type Changed = (i: IdentityDetailFragment) => void;

/** "Rotate credentials": a job for MANAGED_GWS, a new password or token otherwise. */
export function RotateCredentialsButton({ identity, onChanged }: { identity: IdentityDetailFragment; onChanged: Changed }) {
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState('');
  const [{ fetching, error }, rotate, resetRotate] = useSecretMutation(RotateCredentialsDocument);
  const [done, setDone] = useState<string | null>(null);
  const managed = identity.type === 'MANAGED_GWS';
  const field = identity.type === 'API_TOKEN' ? 'token' : 'password';
  const errs = splitErrors(error, managed ? [] : [field]);

  const close = (o: boolean) => {
    setOpen(o);
    if (!o) {
      setSecret(''); // the typed secret does not stay in memory once the dialog closes
      resetRotate();
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = managed ? null : field === 'token' ? { token: secret } : { password: secret };
    const { data } = await rotate({ identityId: identity.id, input });
    if (data) {
      onChanged(data.rotateCredentials);
      setDone(managed ? 'Rotation started: a job sets a new password in Google Workspace.' : 'Credentials rotated.');
      close(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => { setDone(null); setOpen(true); }}>
        Rotate credentials
      </button>
      {done && (
        <p role="status" className="muted">
          {done}
        </p>
      )}
      <IdentityDialog
        open={open}
        onOpenChange={close}
        title="Rotate credentials"
        description={
          managed
            ? `AccessHive generates a new password for ${identity.email ?? identity.displayName} and sets it in Google Workspace. The old password stops working.`
            : `Give the new ${field} of ${identity.displayName}. Everyone who saw the old one is listed in the reveal ledger until now.`
        }
      >
        <form onSubmit={submit} noValidate>
          {!managed && (
            <FormField
              label={field === 'token' ? 'New token' : 'New password'}
              name={field}
              type="password"
              autoComplete="new-password"
              required
              value={secret}
              onChange={setSecret}
              error={errs.fields[field]}
            />
          )}
          <ErrorNotice error={errs.general} />
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <button type="button">Cancel</button>
            </Dialog.Close>
            <button type="submit" className="primary" disabled={fetching}>
              {managed ? 'Rotate password' : 'Rotate'}
            </button>
          </div>
        </form>
      </IdentityDialog>
    </>
  );
}

/** "Update credentials" for EXTERNAL_LOGIN and API_TOKEN identities: blank fields stay as they are. */
export function UpdateCredentialsButton({ identity, onChanged }: { identity: IdentityDetailFragment; onChanged: Changed }) {
  const token = identity.type === 'API_TOKEN';
  const formFields = token ? ['token'] : ['username', 'password', 'totpSecret'];
  const empty = { username: '', password: '', token: '', totpSecret: '' };
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(empty);
  const [removeTotp, setRemoveTotp] = useState(false);
  const [{ fetching, error }, update, resetUpdate] = useSecretMutation(UpdateCredentialsDocument);
  const [done, setDone] = useState<string | null>(null);
  const errs = splitErrors(error, formFields);

  const close = (o: boolean) => {
    setOpen(o);
    if (!o) {
      setValues(empty);
      setRemoveTotp(false);
      resetUpdate();
    }
  };
  const set = (name: keyof typeof empty) => (v: string) => setValues((old) => ({ ...old, [name]: v }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: Record<string, string> = { identityId: identity.id };
    for (const f of formFields) {
      const v = values[f as keyof typeof empty];
      if (v !== '') input[f] = v;
    }
    if (!token && removeTotp) input['totpSecret'] = '';
    const { data } = await update({ input: input as { identityId: string } });
    if (data) {
      onChanged(data.updateCredentials);
      setDone('Credentials updated.');
      close(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => { setDone(null); setOpen(true); }}>
        Update credentials
      </button>
      {done && (
        <p role="status" className="muted">
          {done}
        </p>
      )}
      <IdentityDialog
        open={open}
        onOpenChange={close}
        title="Update credentials"
        description={token ? `Set the token of ${identity.displayName}.` : `Change what you fill in for ${identity.displayName}; blank fields stay as they are.`}
      >
        <form onSubmit={submit} noValidate>
          {token ? (
            <FormField label="Token" name="token" type="password" autoComplete="new-password" required value={values.token} onChange={set('token')} error={errs.fields['token']} />
          ) : (
            <>
              <FormField label="Username" name="username" autoComplete="off" value={values.username} onChange={set('username')} error={errs.fields['username']} />
              <FormField label="Password" name="password" type="password" autoComplete="new-password" value={values.password} onChange={set('password')} error={errs.fields['password']} />
              <FormField
                label="TOTP secret"
                name="totpSecret"
                type="password"
                autoComplete="off"
                value={values.totpSecret}
                onChange={set('totpSecret')}
                hint="The base32 secret of the login's authenticator; the reveal then shows the current code."
                error={errs.fields['totpSecret']}
              />
              <label className="choice">
                <input type="checkbox" checked={removeTotp} onChange={(e) => setRemoveTotp(e.target.checked)} disabled={values.totpSecret !== ''} />
                Remove the TOTP secret
              </label>
            </>
          )}
          <ErrorNotice error={errs.general} />
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <button type="button">Cancel</button>
            </Dialog.Close>
            <button type="submit" className="primary" disabled={fetching}>
              Save credentials
            </button>
          </div>
        </form>
      </IdentityDialog>
    </>
  );
}
