// Rotate and update credentials: one button-and-dialog component whose fields carry the API's
// field errors, told by its mode what to ask and which mutation to run. MANAGED_GWS passwords
// are generated: rotating one enqueues a job that sets a new password in Google Workspace.
// EXTERNAL_LOGIN and API_TOKEN take the new values from the person.
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
type FieldName = 'username' | 'password' | 'token' | 'totpSecret';
type Values = Record<FieldName, string>;
type Mode = 'rotate' | 'update';

interface Field {
  name: FieldName;
  label: string;
  secret: boolean;
  required: boolean;
  hint?: string;
}

/** What the dialog of `mode` asks and says for this identity. */
interface Form {
  button: string;
  description: string;
  fields: Field[];
  /** Offer "Remove the TOTP secret" (updating an EXTERNAL_LOGIN). */
  removableTotp: boolean;
  submit: string;
  done: string;
}

const TOTP_HINT = "The base32 secret of the login's authenticator; the reveal then shows the current code.";

function formFor(mode: Mode, identity: IdentityDetailFragment): Form {
  const managed = identity.type === 'MANAGED_GWS';
  const token = identity.type === 'API_TOKEN';
  const secret = (name: FieldName, label: string, required: boolean): Field => ({ name, label, secret: true, required });
  if (mode === 'rotate') {
    const field = token ? 'token' : 'password';
    return {
      button: 'Rotate credentials',
      description: managed
        ? `AccessHive generates a new password for ${identity.email ?? identity.displayName} and sets it in Google Workspace. The old password stops working.`
        : `Give the new ${field} of ${identity.displayName}. Everyone who saw the old one is listed in the reveal ledger until now.`,
      fields: managed ? [] : [secret(field, token ? 'New token' : 'New password', true)],
      removableTotp: false,
      submit: managed ? 'Rotate password' : 'Rotate',
      done: managed ? 'Rotation started: a job sets a new password in Google Workspace.' : 'Credentials rotated.',
    };
  }
  return {
    button: 'Update credentials',
    description: token ? `Set the token of ${identity.displayName}.` : `Change what you fill in for ${identity.displayName}; blank fields stay as they are.`,
    fields: token
      ? [secret('token', 'Token', true)]
      : [
          { name: 'username', label: 'Username', secret: false, required: false },
          secret('password', 'Password', false),
          { ...secret('totpSecret', 'TOTP secret', false), hint: TOTP_HINT },
        ],
    removableTotp: !token,
    submit: 'Save credentials',
    done: 'Credentials updated.',
  };
}

const EMPTY: Values = { username: '', password: '', token: '', totpSecret: '' };

/** Runs the mode's mutation with the filled-in values; answers the changed identity or null. */
function useCredentialsMutation(mode: Mode, identity: IdentityDetailFragment, form: Form) {
  const [rotateState, rotate, resetRotate] = useSecretMutation(RotateCredentialsDocument);
  const [updateState, update, resetUpdate] = useSecretMutation(UpdateCredentialsDocument);
  const run = async (values: Values, removeTotp: boolean): Promise<IdentityDetailFragment | null> => {
    if (mode === 'rotate') {
      // The new secret is sent as typed (the API names a missing one on its field).
      const input = form.fields.length ? Object.fromEntries(form.fields.map((f) => [f.name, values[f.name]])) : null;
      const { data } = await rotate({ identityId: identity.id, input });
      return data?.rotateCredentials ?? null;
    }
    const given: Partial<Values> = {};
    for (const f of form.fields) if (values[f.name] !== '') given[f.name] = values[f.name];
    if (removeTotp) given.totpSecret = '';
    const { data } = await update({ input: { identityId: identity.id, ...given } });
    return data?.updateCredentials ?? null;
  };
  return { state: mode === 'rotate' ? rotateState : updateState, run, reset: mode === 'rotate' ? resetRotate : resetUpdate };
}

/** The dialog's state: what is typed (forgotten on close), the mutation, and its outcome. */
function useCredentialsDialog(mode: Mode, identity: IdentityDetailFragment, onChanged: Changed) {
  const form = formFor(mode, identity);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(EMPTY);
  const [removeTotp, setRemoveTotp] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { state, run, reset } = useCredentialsMutation(mode, identity, form);
  const close = (o: boolean) => {
    setOpen(o);
    if (!o) {
      setValues(EMPTY); // the typed secrets do not stay in memory once the dialog closes
      setRemoveTotp(false);
      reset();
    }
  };
  const start = () => {
    setDone(null);
    setOpen(true);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const changed = await run(values, removeTotp);
    if (changed) {
      onChanged(changed);
      setDone(form.done);
      close(false);
    }
  };
  const setValue = (name: FieldName) => (v: string) => setValues((old) => ({ ...old, [name]: v }));
  const errs = splitErrors(state.error, form.fields.map((f) => f.name));
  return { form, open, start, close, submit, values, setValue, removeTotp, setRemoveTotp, done, errs, fetching: state.fetching };
}

/** "Rotate credentials" or "Update credentials" (EXTERNAL_LOGIN, API_TOKEN: blank fields stay as they are). */
export function CredentialsButton({ mode, identity, onChanged }: { mode: Mode; identity: IdentityDetailFragment; onChanged: Changed }) {
  const d = useCredentialsDialog(mode, identity, onChanged);
  return (
    <>
      <button type="button" onClick={d.start}>
        {d.form.button}
      </button>
      {d.done && (
        <p role="status" className="muted">
          {d.done}
        </p>
      )}
      <IdentityDialog open={d.open} onOpenChange={d.close} title={d.form.button} description={d.form.description}>
        <form onSubmit={d.submit} noValidate>
          {d.form.fields.map((f) => (
            <FormField
              key={f.name}
              label={f.label}
              name={f.name}
              type={f.secret ? 'password' : 'text'}
              autoComplete={f.secret && f.name !== 'totpSecret' ? 'new-password' : 'off'}
              required={f.required}
              value={d.values[f.name]}
              onChange={d.setValue(f.name)}
              hint={f.hint}
              error={d.errs.fields[f.name]}
            />
          ))}
          {d.form.removableTotp && (
            <label className="choice">
              <input type="checkbox" checked={d.removeTotp} onChange={(e) => d.setRemoveTotp(e.target.checked)} disabled={d.values.totpSecret !== ''} />
              Remove the TOTP secret
            </label>
          )}
          <ErrorNotice error={d.errs.general} />
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <button type="button">Cancel</button>
            </Dialog.Close>
            <button type="submit" className="primary" disabled={d.fetching}>
              {d.form.submit}
            </button>
          </div>
        </form>
      </IdentityDialog>
    </>
  );
}
