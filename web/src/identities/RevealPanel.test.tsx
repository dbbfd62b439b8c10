// The reveal countdown (STYLE.md: no secret outlives its countdown): the values show with copy
// buttons, the countdown follows revealCountdown, and at zero the values leave the DOM and the
// component (not hidden: gone), with "Reveal again". Without ticks the local deadline does it.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequest } from 'urql';
import { isSensitive } from '../api/client';
import { RevealCountdownDocument, RevealCredentialsDocument, RevealPanel } from './RevealPanel';
import { liveSource, mockApi, renderTree, type MockApi } from './testing';

const PASSWORD = 'pw-9f2c-very-secret';
const TOTP = '492039';

function setup(opts: { errors?: { message: string; extensions?: Record<string, unknown> }[] } = {}) {
  const live = liveSource();
  let reveals = 0;
  const api: MockApi = mockApi((name, _vars, op) => {
    if (name === 'RevealCredentials') {
      reveals++;
      if (opts.errors) return { errors: opts.errors };
      return {
        data: {
          revealCredentials: {
            __typename: 'CredentialReveal',
            id: `reveal-${reveals}`,
            secondsRemaining: 30,
            fields: [
              { __typename: 'CredentialField', name: 'username', value: 'acme-ga4@demo.test' },
              { __typename: 'CredentialField', name: 'password', value: PASSWORD },
            ],
            totpCode: TOTP,
          },
        },
      };
    }
    if (name === 'RevealCountdown') return live.source(op);
    throw new Error(`unexpected operation ${name}`);
  });
  const view = render(renderTree(api, <RevealPanel identityId="id-1" displayName="Acme GA4" />));
  const tick = (revealId: string, secondsRemaining: number, expired = false) =>
    act(() => live.subject.next({ revealCountdown: { __typename: 'RevealTick', revealId, secondsRemaining, expired } }));
  return { api, view, tick };
}

async function reveal(label = 'Reveal') {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: label }));
  });
}

describe('RevealPanel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: vi.fn().mockResolvedValue(undefined) }, configurable: true });
  });
  afterEach(() => vi.useRealTimers());

  it('shows the fields, the TOTP code and copy buttons, counts down from the ticks, and removes the values at zero', async () => {
    const { view, tick, api } = setup();
    await reveal();
    expect(screen.getByLabelText('Password')).toHaveValue(PASSWORD);
    expect(screen.getByLabelText('TOTP code')).toHaveValue(TOTP);
    expect(screen.getByRole('button', { name: 'Copy username' })).toBeInTheDocument();
    expect(screen.getByRole('timer')).toHaveTextContent('Hidden in 30 s');
    expect(api.sent.map((s) => s.name)).toEqual(['RevealCredentials', 'RevealCountdown']);

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy password' }));
    });
    expect(navigator.clipboard.writeText).toHaveBeenCalledWith(PASSWORD);
    expect(screen.getByRole('status')).toHaveTextContent('Password copied.');

    tick('reveal-1', 29);
    expect(screen.getByRole('timer')).toHaveTextContent('Hidden in 29 s');
    tick('reveal-1', 1);
    expect(screen.getByRole('timer')).toHaveTextContent('Hidden in 1 s');
    expect(view.container.innerHTML).toContain(PASSWORD);

    tick('reveal-1', 0, true);
    // Gone from the DOM, not hidden by CSS.
    expect(view.container.innerHTML).not.toContain(PASSWORD);
    expect(view.container.innerHTML).not.toContain(TOTP);
    expect(screen.queryByRole('timer')).toBeNull();
    const again = screen.getByRole('button', { name: 'Reveal again' });
    expect(again).toHaveFocus();
    expect(screen.getByRole('status')).toHaveTextContent('hidden when the countdown reached zero');
  });

  it('removes the values at the reveal deadline when no tick arrives (lost connection)', async () => {
    const { view } = setup();
    await reveal();
    await act(() => vi.advanceTimersByTimeAsync(29_900));
    expect(view.container.innerHTML).toContain(PASSWORD);
    await act(() => vi.advanceTimersByTimeAsync(200));
    expect(view.container.innerHTML).not.toContain(PASSWORD);
    expect(screen.getByRole('button', { name: 'Reveal again' })).toBeInTheDocument();
  });

  it('reveals again from the network with a new countdown; a tick of the old reveal changes nothing', async () => {
    const { view, tick, api } = setup();
    await reveal();
    tick('reveal-1', 0, true);
    await reveal('Reveal again');
    expect(view.container.innerHTML).toContain(PASSWORD);
    expect(api.sent.filter((s) => s.name === 'RevealCredentials')).toHaveLength(2);
    expect(api.sent.filter((s) => s.name === 'RevealCountdown').map((s) => s.variables['revealId'])).toEqual(['reveal-1', 'reveal-2']);
    tick('reveal-1', 0, true);
    expect(view.container.innerHTML).toContain(PASSWORD);
    tick('reveal-2', 12);
    expect(screen.getByRole('timer')).toHaveTextContent('Hidden in 12 s');
  });

  it('"Hide now" removes the values before the countdown ends', async () => {
    const { view } = setup();
    await reveal();
    fireEvent.click(screen.getByRole('button', { name: 'Hide now' }));
    expect(view.container.innerHTML).not.toContain(PASSWORD);
  });

  it('shows RATE_LIMITED with the wait', async () => {
    setup({ errors: [{ message: 'too many reveals; try again in 42 seconds', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 42 } }] });
    await reveal();
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 42 s');
  });

  it('uses documents the client keeps out of its cache', () => {
    const { client } = mockApi(() => ({ data: null }));
    expect(isSensitive(client.createRequestOperation('mutation', createRequest(RevealCredentialsDocument, { identityId: 'x' })))).toBe(true);
    expect(isSensitive(client.createRequestOperation('subscription', createRequest(RevealCountdownDocument, { revealId: 'x' })))).toBe(true);
  });
});
