// Delete with a confirmation dialog: the identity moves to DEPROVISIONING and a job takes it to
// DELETED, which the page shows live.
import * as Dialog from '@radix-ui/react-dialog';
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { IdentityDetailFragment } from '../gql/graphql';
import { ErrorNotice } from '../app/ui';
import { IdentityDialog } from './CredentialDialogs';

const DeleteIdentityDocument = graphql(`
  mutation DeleteIdentity($id: ID!) {
    deleteIdentity(id: $id) { ...IdentityDetail }
  }
`);

export function DeleteIdentityButton({ identity, onChanged }: { identity: IdentityDetailFragment; onChanged(i: IdentityDetailFragment): void }) {
  const [open, setOpen] = useState(false);
  const [{ fetching, error }, del] = useMutation(DeleteIdentityDocument);
  const managed = identity.type === 'MANAGED_GWS';
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Delete identity
      </button>
      <IdentityDialog
        open={open}
        onOpenChange={setOpen}
        title={`Delete ${identity.displayName}?`}
        description={
          managed
            ? 'Its Google Workspace user is suspended by a job and its credentials are forgotten. Nobody can reveal them afterwards. This cannot be undone.'
            : 'Its credentials are forgotten and nobody can reveal them afterwards. This cannot be undone.'
        }
      >
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <Dialog.Close asChild>
            <button type="button">Cancel</button>
          </Dialog.Close>
          <button
            type="button"
            className="danger"
            disabled={fetching}
            onClick={async () => {
              const res = await del({ id: identity.id });
              if (res.data) {
                onChanged(res.data.deleteIdentity);
                setOpen(false);
              }
            }}
          >
            Delete
          </button>
        </div>
      </IdentityDialog>
    </>
  );
}
