export function NotificationsPage(_props: { clientId?: string }) {
  return <p>Coming next.</p>;
}
