// GraphiQL bundled into the binary (no CDN), served at /playground. It calls /graphql on the
// same origin, so the session cookie set by the login mutation is sent along.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import './playground.css';

const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: `${proto}//${location.host}/graphql`,
});

createRoot(document.getElementById('playground')!).render(<GraphiQL fetcher={fetcher} />);
