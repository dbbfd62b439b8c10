// PLACEHOLDER — replaced by the identity screens (console-ident). Route: /identities/new?clientId=…
import { useSearchParams } from 'react-router';

export function CreateIdentityWizard() {
  const [params] = useSearchParams();
  return (
    <section>
      <h1>Create identity</h1>
      <p>{params.get('clientId') ? 'For the selected client.' : 'Choose a client or the agency.'}</p>
    </section>
  );
}

export default CreateIdentityWizard;
