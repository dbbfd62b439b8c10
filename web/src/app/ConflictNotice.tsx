// A CONFLICT shown where the action was tried: the API's message, then the existing object it
// clashes with, named and linked. The API sends only that object's id (extensions.object, see
// graph/errors.go), so the notice reads it back: as an identity first, then as an access
// request. An id the caller may not read (or of a kind the console has no page for) leaves
// the message alone, without a link.
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { useMe } from './session';
import { accessRequestHref } from '../requests/links';

const ConflictingIdentityDocument = graphql(`
  query ConflictingIdentity($id: ID!) {
    identity(id: $id) { id displayName }
  }
`);

const ConflictingAccessRequestDocument = graphql(`
  query ConflictingAccessRequest($id: ID!) {
    accessRequest(id: $id) { id status platform { key name } client { id } }
  }
`);

/** The existing object's name and page, once read; null while unknown. */
export function useConflictingObject(id: string | null): { name: string; href: string } | null {
  const me = useMe();
  const [identity] = useQuery({ query: ConflictingIdentityDocument, variables: { id: id ?? '' }, pause: !id });
  const notIdentity = !!id && !!identity.error && !identity.data;
  const [request] = useQuery({ query: ConflictingAccessRequestDocument, variables: { id: id ?? '' }, pause: !notIdentity });
  if (identity.data) return { name: identity.data.identity.displayName, href: `/identities/${identity.data.identity.id}` };
  const r = request.data?.accessRequest;
  const href = r ? accessRequestHref(r.id, r.client.id, me) : null;
  return r && href ? { name: `the ${r.platform.name} access request (${r.status})`, href } : null;
}

export function ConflictNotice({ message, objectId }: { message: string; objectId: string | null }) {
  const existing = useConflictingObject(objectId);
  return (
    <p className="error" role="alert">
      {message}
      {existing && (
        <>
          {' '}
          <Link to={existing.href}>Open {existing.name}</Link>
        </>
      )}
    </p>
  );
}
