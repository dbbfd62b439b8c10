import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Loading, PageState } from '../app/ui';

const ClientsDocument = graphql(`
  query Clients {
    clients(first: 100) {
      nodes { id name createdAt }
    }
  }
`);

export function ClientsPage() {
  const [{ data, error, fetching }] = useQuery({ query: ClientsDocument });
  if (error && !data) return <PageState error={error} />;
  return (
    <section>
      <h1>Clients</h1>
      {fetching && !data && <Loading what="clients" />}
      <ul className="cards">
        {data?.clients.nodes.map((c) => (
          <li key={c.id}>
            <Link to={`/clients/${c.id}`}>{c.name}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
