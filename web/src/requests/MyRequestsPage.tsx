export function MyRequestsPage(_props: { clientId?: string }) {
  return <p>Coming next.</p>;
}
