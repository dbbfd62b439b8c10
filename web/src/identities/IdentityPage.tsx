// PLACEHOLDER — replaced by the identity screens (console-ident). Route: /identities/:id.
import { useParams } from 'react-router';

export function IdentityPage() {
  const { id } = useParams();
  return (
    <section>
      <h1>Identity</h1>
      <p>Identity {id}</p>
    </section>
  );
}

export default IdentityPage;
