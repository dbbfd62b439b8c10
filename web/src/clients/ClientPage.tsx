// A client's page: the Identities and Access Requests tabs (Radix Tabs; the tab is in the URL
// as ?tab=requests so links and reloads keep it).
import * as Tabs from '@radix-ui/react-tabs';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Loading, PageState } from '../app/ui';
import { IdentitiesTab } from '../identities/IdentitiesTab';
import { AccessRequestsTab } from '../requests/AccessRequestsTab';

const ClientDocument = graphql(`
  query Client($id: ID!) {
    client(id: $id) { id name }
  }
`);

export function ClientPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'requests' ? 'requests' : 'identities';
  const [{ data, error, fetching }] = useQuery({ query: ClientDocument, variables: { id } });
  if (error && !data) return <PageState error={error} />;
  if (fetching && !data) return <Loading what="the client" />;
  if (!data) return null;
  return (
    <section>
      <h1>{data.client.name}</h1>
      <Tabs.Root
        value={tab}
        onValueChange={(v) => setParams(v === 'requests' ? { tab: 'requests' } : {}, { replace: true })}
        activationMode="manual"
      >
        <Tabs.List aria-label={`${data.client.name} sections`} className="tabs">
          <Tabs.Trigger value="identities">Identities</Tabs.Trigger>
          <Tabs.Trigger value="requests">Access Requests</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="identities">
          <IdentitiesTab clientId={data.client.id} />
        </Tabs.Content>
        <Tabs.Content value="requests">
          <AccessRequestsTab clientId={data.client.id} />
        </Tabs.Content>
      </Tabs.Root>
    </section>
  );
}
