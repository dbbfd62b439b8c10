// Splits a mutation's errors between the form's own fields (shown on the field) and the rest
// (shown above the form), using the shared mapping in api/errors.ts.
import type { CombinedError } from 'urql';
import { fieldErrors, toUiError, type UiError } from '../api/errors';

export interface FormErrors {
  /** Messages keyed by input field, only for fields the form shows. */
  fields: Record<string, string>;
  /** An error no field of the form can carry, or null. */
  general: UiError | null;
}

export function splitErrors(error: CombinedError | null | undefined, formFields: readonly string[]): FormErrors {
  if (!error) return { fields: {}, general: null };
  const all = fieldErrors(error);
  const fields: Record<string, string> = {};
  for (const [name, msg] of Object.entries(all)) {
    if (formFields.includes(name)) fields[name] = stripFieldPrefix(name, msg);
  }
  const ui = toUiError(error);
  const onField = ui?.kind === 'field' && ui.field != null && formFields.includes(ui.field.split('.').pop() ?? '');
  return { fields, general: onField ? null : ui };
}

/** The API prefixes BAD_USER_INPUT messages with the field ("password: is required…"); the field's label already says which. */
export function stripFieldPrefix(field: string, message: string): string {
  const prefix = `${field}: `;
  const rest = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
