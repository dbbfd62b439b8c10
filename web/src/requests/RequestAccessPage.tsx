export function RequestAccessPage(_props: { clientId?: string }) {
  return <p>Coming next.</p>;
}
