import { describe, expect, it } from 'vitest';
import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { fieldErrors, isSessionEnded, mapGraphQLError, toUiError } from './errors';

const gqlErr = (message: string, extensions: Record<string, unknown>) => new GraphQLError(message, { extensions });

describe('mapGraphQLError', () => {
  it('puts BAD_USER_INPUT on its field', () => {
    expect(mapGraphQLError('password is required', { code: 'BAD_USER_INPUT', field: 'password' })).toEqual({
      kind: 'field',
      field: 'password',
      message: 'password is required',
    });
  });

  it('names and links the existing object of a CONFLICT', () => {
    // graph/errors.go puts the existing object's id in extensions.object.
    expect(mapGraphQLError('this client already has a live GA4 identity', { code: 'CONFLICT', object: 'i-1' })).toEqual({
      kind: 'conflict',
      message: 'this client already has a live GA4 identity',
      objectId: 'i-1',
    });
    expect(mapGraphQLError('request already decided', { code: 'CONFLICT', object: '' })).toMatchObject({ kind: 'conflict', objectId: null });
    expect(mapGraphQLError('request already decided', { code: 'CONFLICT' })).toMatchObject({ kind: 'conflict', objectId: null });
  });

  it('tells the wait of RATE_LIMITED', () => {
    expect(mapGraphQLError('too many reveals', { code: 'RATE_LIMITED', retryAfterSeconds: 12.2 })).toEqual({
      kind: 'rate-limited',
      message: 'too many reveals',
      retryAfterSeconds: 13,
    });
    expect(mapGraphQLError('slow down', { code: 'RATE_LIMITED' })).toMatchObject({ retryAfterSeconds: null });
  });

  it('makes FORBIDDEN and NOT_FOUND a page state and UNAUTHENTICATED an ended session', () => {
    expect(mapGraphQLError('not found', { code: 'NOT_FOUND' })).toEqual({ kind: 'page', code: 'NOT_FOUND', message: 'not found' });
    expect(mapGraphQLError('no', { code: 'FORBIDDEN' })).toEqual({ kind: 'page', code: 'FORBIDDEN', message: 'no' });
    expect(mapGraphQLError('log in', { code: 'UNAUTHENTICATED' })).toEqual({ kind: 'session-ended', message: 'log in' });
    expect(mapGraphQLError('boom', { code: 'INTERNAL' })).toEqual({ kind: 'other', message: 'boom' });
  });
});

describe('CombinedError helpers', () => {
  it('collects field errors by the input field name', () => {
    const err = new CombinedError({
      graphQLErrors: [
        gqlErr('password is required', { code: 'BAD_USER_INPUT', field: 'input.password' }),
        gqlErr('username is too long', { code: 'BAD_USER_INPUT', field: 'username' }),
        gqlErr('other', { code: 'CONFLICT' }),
      ],
    });
    expect(fieldErrors(err)).toEqual({ password: 'password is required', username: 'username is too long' });
    expect(toUiError(err)).toEqual({ kind: 'field', field: 'input.password', message: 'password is required' });
  });

  it('reports a network failure without the raw error', () => {
    const err = new CombinedError({ networkError: new Error('Failed to fetch') });
    expect(toUiError(err)).toEqual({ kind: 'other', message: 'Cannot reach AccessHive. Check the connection and try again.' });
    expect(toUiError(null)).toBeNull();
  });

  it('recognises an ended session', () => {
    expect(isSessionEnded(new CombinedError({ graphQLErrors: [gqlErr('x', { code: 'UNAUTHENTICATED' })] }))).toBe(true);
    expect(isSessionEnded(new CombinedError({ graphQLErrors: [gqlErr('x', { code: 'FORBIDDEN' })] }))).toBe(false);
  });
});
