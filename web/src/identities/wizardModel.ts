// The create-identity wizard's rules, kept apart from the screen so they can be tested alone:
// its steps, each type's fields (SPEC "Identities"), the local checks a step makes before
// "Next", the step that owns each field of the API's BAD_USER_INPUT errors, and the input
// createIdentity takes. The API checks everything again; these checks only answer sooner.
import type { CreateIdentityInput, IdentityType, PlatformKey } from '../gql/graphql';

export type StepId = 'scope' | 'platform' | 'type' | 'details' | 'review';

export const STEPS: readonly { id: StepId; label: string }[] = [
  { id: 'scope', label: 'Client or agency' },
  { id: 'platform', label: 'Platform' },
  { id: 'type', label: 'Type' },
  { id: 'details', label: 'Details' },
  { id: 'review', label: 'Review' },
];

/** "All platforms" for an agency-wide identity (createIdentity without a platform). */
export const AGENCY_WIDE = 'AGENCY_WIDE';

export type FieldName = 'displayName' | 'username' | 'password' | 'totpSecret' | 'token' | 'tokenExpiresAt' | 'loginUrl' | 'notes';

export interface FieldSpec {
  name: FieldName;
  label: string;
  required: boolean;
  secret?: boolean;
  input?: 'text' | 'password' | 'url' | 'datetime-local';
  multiline?: boolean;
  hint?: string;
}

export const TYPE_FIELDS: Record<IdentityType, readonly FieldSpec[]> = {
  MANAGED_GWS: [
    { name: 'displayName', label: 'Display name', required: true, hint: "The user's name in Google Workspace; the address comes from the agency's naming template." },
  ],
  EXTERNAL_LOGIN: [
    { name: 'username', label: 'Username', required: true },
    { name: 'password', label: 'Password', required: true, secret: true, input: 'password' },
    { name: 'totpSecret', label: 'TOTP secret', required: false, secret: true, input: 'password', hint: 'Optional base32 secret; the reveal then shows the current code.' },
    { name: 'loginUrl', label: 'Login URL', required: false, input: 'url' },
    { name: 'displayName', label: 'Display name', required: false, hint: 'Defaults to the username.' },
    { name: 'notes', label: 'Notes', required: false, multiline: true },
  ],
  API_TOKEN: [
    { name: 'token', label: 'Token', required: true, secret: true, input: 'password' },
    { name: 'tokenExpiresAt', label: 'Token expires', required: false, input: 'datetime-local', hint: 'Optional; must be in the future.' },
    { name: 'displayName', label: 'Display name', required: false, hint: 'Defaults to "<platform> API token".' },
    { name: 'notes', label: 'Notes', required: false, multiline: true },
  ],
};

export interface Draft {
  scope: 'client' | 'agency' | null;
  clientId: string;
  platform: PlatformKey | typeof AGENCY_WIDE | null;
  type: IdentityType | null;
  values: Record<FieldName, string>;
}

export function emptyDraft(clientId?: string | null): Draft {
  return {
    scope: clientId ? 'client' : null,
    clientId: clientId ?? '',
    platform: null,
    type: null,
    values: { displayName: '', username: '', password: '', totpSecret: '', token: '', tokenExpiresAt: '', loginUrl: '', notes: '' },
  };
}

/** Whether the type can be chosen with the draft's scope and platform, or why not. */
export function typeUnavailable(type: IdentityType, draft: Draft): string | null {
  if (type === 'MANAGED_GWS' && draft.platform === AGENCY_WIDE) return 'A managed user is made for one platform: go back and choose one.';
  return null;
}

/** The local checks of one step: field name → message. Empty when the step may be left. */
export function validateStep(step: StepId, draft: Draft): Record<string, string> {
  const errors: Record<string, string> = {};
  switch (step) {
    case 'scope':
      if (!draft.scope) errors['scope'] = 'Choose a client or the agency.';
      else if (draft.scope === 'client' && !draft.clientId) errors['clientId'] = 'Choose a client.';
      break;
    case 'platform':
      if (!draft.platform) errors['platform'] = 'Choose a platform.';
      else if (draft.platform === AGENCY_WIDE && draft.scope === 'client') errors['platform'] = "A client's identity is for one platform.";
      break;
    case 'type':
      if (!draft.type) errors['type'] = 'Choose a type.';
      else {
        const why = typeUnavailable(draft.type, draft);
        if (why) errors['type'] = why;
      }
      break;
    case 'details':
      for (const f of draft.type ? TYPE_FIELDS[draft.type] : []) {
        if (f.required && draft.values[f.name].trim() === '') errors[f.name] = `Enter the ${f.label.toLowerCase()}.`;
      }
      break;
    case 'review':
      break;
  }
  return errors;
}

/** The step where the user fixes a field the API refused. */
export function stepOfField(field: string | null): StepId {
  switch (field) {
    case 'clientId':
    case 'scope':
      return 'scope';
    case 'platform':
      return 'platform';
    case 'type':
      return 'type';
    case 'displayName':
    case 'username':
    case 'password':
    case 'totpSecret':
    case 'token':
    case 'tokenExpiresAt':
    case 'loginUrl':
    case 'notes':
      return 'details';
    default:
      // Errors of no field of the wizard (e.g. the agency's naming template) stay on review.
      return 'review';
  }
}

/** createIdentity's input: only the chosen type's fields, blank ones left out. */
export function toInput(draft: Draft): CreateIdentityInput {
  if (!draft.type) throw new Error('toInput: no type chosen');
  const input: CreateIdentityInput = { type: draft.type };
  if (draft.scope === 'client') input.clientId = draft.clientId;
  if (draft.platform && draft.platform !== AGENCY_WIDE) input.platform = draft.platform;
  for (const f of TYPE_FIELDS[draft.type]) {
    const v = f.secret ? draft.values[f.name] : draft.values[f.name].trim();
    if (v === '') continue;
    if (f.name === 'tokenExpiresAt') input.tokenExpiresAt = new Date(v).toISOString();
    else input[f.name] = v;
  }
  return input;
}
