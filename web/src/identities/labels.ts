// Words the identity screens use for the API's enums, in one place so the list, the detail
// page and the wizard say the same thing.
import type { ConnectionState, IdentityType } from '../gql/graphql';

export const TYPE_LABELS: Record<IdentityType, string> = {
  MANAGED_GWS: 'Managed Google Workspace user',
  EXTERNAL_LOGIN: 'Existing platform login',
  API_TOKEN: 'API token',
};

export const TYPE_HINTS: Record<IdentityType, string> = {
  MANAGED_GWS: 'AccessHive creates a user in your Google Workspace and generates its password.',
  EXTERNAL_LOGIN: 'A login that already exists on the platform: username and password, optionally a TOTP secret.',
  API_TOKEN: 'A token issued by the platform.',
};

export function typeLabel(t: IdentityType): string {
  return TYPE_LABELS[t] ?? t;
}

/** Who made the identity: an approved access request, or an admin (the wizard or the API). */
export function originLabel(origin: string): string {
  switch (origin) {
    case 'ACCESS_REQUEST':
      return 'Created by an approved access request';
    case 'MANUAL':
      return 'Created by an admin';
    default:
      return origin;
  }
}

export function connectionLabel(state: ConnectionState | null | undefined): string {
  switch (state) {
    case 'OPERATIONAL':
      return 'Operational';
    case 'DEGRADED':
      return 'Degraded';
    case 'DISCONNECTED':
      return 'Disconnected';
    case 'PENDING':
      return 'Pending connection';
    default:
      return 'Not connected';
  }
}

/** Labels of revealed credential fields (the API names them username, password, token). */
export function credentialLabel(name: string): string {
  switch (name) {
    case 'username':
      return 'Username';
    case 'password':
      return 'Password';
    case 'token':
      return 'Token';
    default:
      return name;
  }
}

/** A local date and time for an RFC 3339 timestamp. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString();
}
