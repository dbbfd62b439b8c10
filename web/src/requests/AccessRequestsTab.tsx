export function AccessRequestsTab(_props: { clientId?: string }) {
  return <p>Coming next.</p>;
}
