// One place that turns API errors into what a screen shows. The API names every error with
// extensions.code (schema.graphqls header); screens never parse messages.
import type { CombinedError } from 'urql';

/** What the user should see for a failed operation. */
export type UiError =
  /** BAD_USER_INPUT: show `message` on the form field `field` (or above the form when none). */
  | { kind: 'field'; field: string | null; message: string }
  /**
   * CONFLICT: `objectId` is the existing object the action clashes with (the API's
   * extensions.object, an id of an identity, an access request, …), or null when it names none.
   * <ErrorNotice> reads it back to name and link it.
   */
  | { kind: 'conflict'; message: string; objectId: string | null }
  /** RATE_LIMITED: wait `retryAfterSeconds` (null when the API did not say). */
  | { kind: 'rate-limited'; message: string; retryAfterSeconds: number | null }
  /** FORBIDDEN / NOT_FOUND: the whole page shows this state instead of its content. */
  | { kind: 'page'; code: 'FORBIDDEN' | 'NOT_FOUND'; message: string }
  /** UNAUTHENTICATED: the session ended; the app returns to login. */
  | { kind: 'session-ended'; message: string }
  /** The network or the server failed. */
  | { kind: 'other'; message: string };

type Extensions = Record<string, unknown> | undefined;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The id of the existing object a CONFLICT is about: graph/errors.go sends it as extensions.object. */
export function conflictObject(ext: Extensions): string | null {
  return str(ext?.['object']);
}

/** Maps one GraphQL error (message + extensions) to what the user should see. */
export function mapGraphQLError(message: string, ext: Extensions): UiError {
  const code = str(ext?.['code']);
  switch (code) {
    case 'BAD_USER_INPUT':
      return { kind: 'field', field: str(ext?.['field']), message };
    case 'CONFLICT':
      return { kind: 'conflict', message, objectId: conflictObject(ext) };
    case 'RATE_LIMITED': {
      const raw = ext?.['retryAfterSeconds'] ?? ext?.['retryAfter'];
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
      return { kind: 'rate-limited', message, retryAfterSeconds: Number.isFinite(n) ? Math.ceil(n) : null };
    }
    case 'FORBIDDEN':
    case 'NOT_FOUND':
      return { kind: 'page', code, message };
    case 'UNAUTHENTICATED':
      return { kind: 'session-ended', message };
    default:
      return { kind: 'other', message };
  }
}

/** Maps urql's CombinedError to the first error the user should see (null when none). */
export function toUiError(error: CombinedError | undefined | null): UiError | null {
  if (!error) return null;
  const first = error.graphQLErrors[0];
  if (first) return mapGraphQLError(first.message, first.extensions as Extensions);
  if (error.networkError) return { kind: 'other', message: 'Cannot reach AccessHive. Check the connection and try again.' };
  return { kind: 'other', message: error.message };
}

/** Field errors of a failed mutation keyed by input field name, for forms. */
export function fieldErrors(error: CombinedError | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of error?.graphQLErrors ?? []) {
    const ui = mapGraphQLError(e.message, e.extensions as Extensions);
    if (ui.kind === 'field' && ui.field) {
      // The API may name nested input fields ("input.password"); forms use the last part.
      const name = ui.field.split('.').pop() ?? ui.field;
      out[name] ??= ui.message;
    }
  }
  return out;
}

/** True when the error says the session ended. */
export function isSessionEnded(error: CombinedError | undefined | null): boolean {
  return !!error?.graphQLErrors.some((e) => (e.extensions as Extensions)?.['code'] === 'UNAUTHENTICATED');
}
