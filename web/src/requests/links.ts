// Where an access request is shown in the console: a client user's own list, or its client's
// queue for staff; the row carries the id `request-<id>` so the link lands on it.
import type { Me } from '../app/session';

export function accessRequestHref(id: string, clientId: string | null, me: Pick<Me, 'can'>): string | null {
  if (me.can.submitRequest) return `/my/requests#request-${id}`;
  if (clientId) return `/clients/${clientId}?tab=requests#request-${id}`;
  return null;
}
