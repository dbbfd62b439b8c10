// A client user's identities: the same list staff see on the client's Identities tab.
import { useMe } from '../app/session';
import { IdentitiesTab } from '../identities/IdentitiesTab';

export function MyIdentitiesPage() {
  const me = useMe();
  if (!me.client) return null;
  return (
    <section>
      <h1>{me.client.name} identities</h1>
      <IdentitiesTab clientId={me.client.id} />
    </section>
  );
}
