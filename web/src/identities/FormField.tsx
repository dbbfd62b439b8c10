// A labelled form control with its error on it: the API's BAD_USER_INPUT for this field (or a
// local check) is shown under the control, tied to it with aria-describedby and aria-invalid
// so a screen reader reads it with the field.
import { useId, type ReactNode } from 'react';

export interface FormFieldProps {
  label: string;
  /** The API's input field name; also the control's name attribute. */
  name: string;
  value: string;
  onChange(value: string): void;
  error?: string | null;
  hint?: ReactNode;
  type?: 'text' | 'password' | 'url' | 'datetime-local' | 'email';
  required?: boolean;
  multiline?: boolean;
  autoComplete?: string;
}

export function FormField({ label, name, value, onChange, error, hint, type = 'text', required, multiline, autoComplete }: FormFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    value,
    required,
    'aria-required': required || undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    autoComplete: autoComplete ?? 'off',
  } as const;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required && <span className="required"> (required)</span>}
      </label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} onChange={(e) => onChange(e.target.value)} spellCheck={type === 'text' ? undefined : false} />
      )}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
