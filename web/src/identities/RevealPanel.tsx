// Reveal: the credentials with copy buttons and the current TOTP code for 30 seconds, counted
// down by the revealCountdown subscription; at zero the values leave the page.
//
// How no secret outlives its countdown (STYLE.md, "The web console"):
// - The reveal runs through client.mutation(), not useMutation(): a hook would keep the
//   answer in its own state, out of reach. The answer lives only in this component's state,
//   which is set to null at zero (and on unmount), so React removes the values from the DOM.
// - urql never caches it: revealCredentials, credentialReveal and revealCountdown are
//   "sensitive" operations that api/client.ts's noSecretsCacheExchange sends past the document
//   cache, and the call also asks for requestPolicy 'network-only'.
// - The ticks hold no secret. If they stop (lost connection), a local deadline taken from the
//   reveal's own secondsRemaining still removes the values on time.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useClient, useSubscription } from 'urql';
import { graphql } from '../gql';
import { toUiError, type UiError } from '../api/errors';
import { ErrorNotice } from '../app/ui';
import { credentialLabel } from './labels';

export const RevealCredentialsDocument = graphql(`
  mutation RevealCredentials($identityId: ID!) {
    revealCredentials(identityId: $identityId) {
      id
      secondsRemaining
      fields { name value }
      totpCode
    }
  }
`);

export const RevealCountdownDocument = graphql(`
  subscription RevealCountdown($revealId: ID!) {
    revealCountdown(revealId: $revealId) { revealId secondsRemaining expired }
  }
`);

/** The reveal window the spec promises; the countdown starts from what the API says. */
export const REVEAL_SECONDS = 30;

interface Revealed {
  id: string;
  fields: { name: string; value: string }[];
  totpCode: string | null;
  /** Seconds the API said the reveal stays readable. */
  windowSeconds: number;
}

export interface RevealPanelProps {
  identityId: string;
  displayName: string;
}

export function RevealPanel({ identityId, displayName }: RevealPanelProps) {
  const client = useClient();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [seconds, setSeconds] = useState(0);
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const revealButton = useRef<HTMLButtonElement>(null);

  const hide = useCallback(() => {
    setRevealed(null);
    setSeconds(0);
    setCopied(null);
    setEnded(true);
  }, []);

  const reveal = async () => {
    setBusy(true);
    setError(null);
    setEnded(false);
    const res = await client.mutation(RevealCredentialsDocument, { identityId }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const r = res.data?.revealCredentials;
    if (res.error || !r) {
      setError(toUiError(res.error) ?? { kind: 'other', message: 'The credentials could not be revealed.' });
      return;
    }
    const windowSeconds = Math.min(r.secondsRemaining, REVEAL_SECONDS);
    setRevealed({ id: r.id, fields: r.fields.map((f) => ({ name: f.name, value: f.value })), totpCode: r.totpCode ?? null, windowSeconds });
    setSeconds(windowSeconds);
  };

  // The countdown: the server ticks once a second and ends with an expired tick.
  const [tick] = useSubscription({
    query: RevealCountdownDocument,
    variables: { revealId: revealed?.id ?? '' },
    pause: !revealed,
  });
  const t = tick.data?.revealCountdown;
  useEffect(() => {
    if (!t || !revealed || t.revealId !== revealed.id) return;
    if (t.expired || t.secondsRemaining <= 0) hide();
    else setSeconds(t.secondsRemaining);
  }, [t, revealed, hide]);

  // The safety net: whatever happens to the ticks, the values go at the reveal's deadline,
  // measured on this machine from the seconds the API gave (so a skewed clock does not matter).
  useEffect(() => {
    if (!revealed) return;
    const timer = setTimeout(hide, revealed.windowSeconds * 1000);
    return () => clearTimeout(timer);
  }, [revealed, hide]);

  // Focus returns to "Reveal again" when the values go, so keyboard users are not left on a removed button.
  useEffect(() => {
    if (ended) revealButton.current?.focus();
  }, [ended]);

  const copy = async (label: string, value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(`${label} copied.`);
    } catch {
      setCopied(`Could not copy the ${label.toLowerCase()}; select it and copy it by hand.`);
    }
  };

  return (
    <div className="reveal">
      {!revealed && (
        <div className="actions">
          <button ref={revealButton} type="button" className="primary" onClick={() => void reveal()} disabled={busy}>
            {busy ? 'Revealing…' : ended ? 'Reveal again' : 'Reveal'}
          </button>
          {!ended && <span className="muted">Shows the credentials for {REVEAL_SECONDS} seconds. Every reveal is recorded.</span>}
        </div>
      )}
      {ended && !revealed && (
        <p role="status" className="muted">
          The credentials were hidden when the countdown reached zero. Reveal again to see them.
        </p>
      )}
      <ErrorNotice error={error} />
      {revealed && (
        <>
          <div className="countdown" role="timer" aria-label="Time left before the credentials are hidden">
            Hidden in <span data-testid="reveal-seconds">{seconds}</span> s
            <progress max={REVEAL_SECONDS} value={seconds} aria-hidden="true" />
          </div>
          <div className="secrets" role="group" aria-label={`Credentials of ${displayName}`}>
            {revealed.fields.map((f) => (
              <SecretRow key={f.name} label={credentialLabel(f.name)} value={f.value} onCopy={copy} />
            ))}
            {revealed.totpCode && <SecretRow label="TOTP code" value={revealed.totpCode} onCopy={copy} />}
          </div>
          <div className="actions">
            <button type="button" onClick={hide}>
              Hide now
            </button>
          </div>
          {copied && (
            <p role="status" className="muted">
              {copied}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** One revealed value: a labelled read-only field (select it by hand, or use the copy button). */
function SecretRow({ label, value, onCopy }: { label: string; value: string; onCopy(label: string, value: string): void }) {
  const id = useId();
  return (
    <div className="secret">
      <label htmlFor={id} className="secret-name">
        {label}
      </label>
      <input id={id} className="secret-value" readOnly value={value} spellCheck={false} autoComplete="off" onFocus={(e) => e.target.select()} />
      <button type="button" onClick={() => onCopy(label, value)}>
        Copy {label.toLowerCase()}
      </button>
    </div>
  );
}
