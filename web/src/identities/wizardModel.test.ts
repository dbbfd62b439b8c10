import { describe, expect, it } from 'vitest';
import { AGENCY_WIDE, emptyDraft, stepOfField, toInput, validateStep } from './wizardModel';

describe('wizardModel', () => {
  it('checks each step for what it needs', () => {
    const d = emptyDraft();
    expect(validateStep('scope', d)).toEqual({ scope: 'Choose a client or the agency.' });
    expect(validateStep('scope', { ...d, scope: 'client' })).toEqual({ clientId: 'Choose a client.' });
    expect(validateStep('platform', { ...d, scope: 'client', clientId: 'c', platform: AGENCY_WIDE })).toHaveProperty('platform');
    expect(validateStep('type', { ...d, scope: 'agency', platform: AGENCY_WIDE, type: 'MANAGED_GWS' })).toHaveProperty('type');
    expect(validateStep('details', { ...d, type: 'API_TOKEN' })).toEqual({ token: 'Enter the token.' });
    expect(validateStep('details', { ...d, type: 'MANAGED_GWS' })).toEqual({ displayName: 'Enter the display name.' });
  });

  it('sends each API field error to the step that shows it', () => {
    expect(stepOfField('clientId')).toBe('scope');
    expect(stepOfField('platform')).toBe('platform');
    expect(stepOfField('type')).toBe('type');
    expect(stepOfField('password')).toBe('details');
    expect(stepOfField('namingTemplate')).toBe('review');
    expect(stepOfField(null)).toBe('review');
  });

  it("builds the input from the chosen type's fields only", () => {
    const d = emptyDraft();
    d.scope = 'agency';
    d.platform = AGENCY_WIDE;
    d.type = 'API_TOKEN';
    d.values = { ...d.values, token: 'tok', username: 'ignored', password: 'ignored', tokenExpiresAt: '2030-01-02T03:04' };
    const input = toInput(d);
    expect(input).toEqual({ type: 'API_TOKEN', token: 'tok', tokenExpiresAt: new Date('2030-01-02T03:04').toISOString() });
  });
});
