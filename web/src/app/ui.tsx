// Small shared pieces every screen uses to show errors and states the same way.
import { Link } from 'react-router';
import type { CombinedError } from 'urql';
import { toUiError, type UiError } from '../api/errors';
import { ConflictNotice } from './ConflictNotice';

/** A whole-page state: not found, forbidden, or a failure to load. */
export function PageState({ error }: { error: CombinedError | UiError | null | undefined }) {
  const ui = error && 'kind' in error ? error : toUiError(error as CombinedError | undefined);
  if (!ui) return null;
  const title =
    ui.kind === 'page' && ui.code === 'NOT_FOUND'
      ? 'Not found'
      : ui.kind === 'page' && ui.code === 'FORBIDDEN'
        ? 'Not allowed'
        : 'Something went wrong';
  return (
    <section className="page-state" role="alert" aria-labelledby="page-state-title">
      <h1 id="page-state-title">{title}</h1>
      <p>{ui.message}</p>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </section>
  );
}

/**
 * An operation's error shown in place (above a form or in a dialog). Field errors belong on their
 * field; a CONFLICT names and links the existing object.
 */
export function ErrorNotice({ error }: { error: CombinedError | UiError | null | undefined }) {
  const ui = error && 'kind' in error ? error : toUiError(error as CombinedError | undefined);
  if (!ui) return null;
  if (ui.kind === 'conflict') {
    return <ConflictNotice message={ui.message} objectId={ui.objectId} />;
  }
  if (ui.kind === 'rate-limited') {
    return (
      <p className="error" role="alert">
        {ui.message}
        {ui.retryAfterSeconds != null && ` Try again in ${ui.retryAfterSeconds} s.`}
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      {ui.message}
    </p>
  );
}

/** Loading placeholder with a live region, so screen readers hear it too. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="muted">
      Loading {what}…
    </p>
  );
}

/** "3 min ago" / "in 2 h" from an RFC 3339 time. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff) / 1000;
  const [n, unit] =
    abs < 60 ? [Math.round(abs), 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd'];
  return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** A status badge with its text (never colour alone). */
export function Status({ value }: { value: string }) {
  return <span className={`status status-${value.toLowerCase()}`}>{value}</span>;
}

/**
 * A table's header row, a column header per name. A column named only for screen readers (the
 * actions column) is given as `{ srOnly: 'Actions' }`.
 */
export function ColumnHeads({ columns }: { columns: (string | { srOnly: string })[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.srOnly} scope="col">
              <span className="sr-only">{c.srOnly}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
