import { describe, expect, it } from 'vitest';
import { type CredentialHeaders, readCredentials } from '../../../src/api/security/credentials.js';

const KEY = 'vgl_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('readCredentials', () => {
  it.each<[string, CredentialHeaders, ReturnType<typeof readCredentials>]>([
    ['nothing', {}, { kind: 'none' }],
    ['a bearer API key', { authorization: `Bearer ${KEY}` }, { kind: 'api-key', key: KEY }],
    ['a lower-case scheme', { authorization: `bearer ${KEY}` }, { kind: 'api-key', key: KEY }],
    ['X-API-Key', { 'x-api-key': ` ${KEY} ` }, { kind: 'api-key', key: KEY }],
    ['a JWT', { authorization: 'Bearer eyJa.eyJb.sig' }, { kind: 'bearer-token', token: 'eyJa.eyJb.sig' }],
    [
      'a Basic credential',
      { authorization: 'Basic dXNlcjpwdw==' },
      { kind: 'malformed', reason: 'Authorization must be "Bearer <API key or token>"' },
    ],
    [
      'Bearer without a token',
      { authorization: 'Bearer ' },
      { kind: 'malformed', reason: 'Authorization must be "Bearer <API key or token>"' },
    ],
    [
      'two tokens',
      { authorization: 'Bearer a b' },
      { kind: 'malformed', reason: 'Authorization must be "Bearer <API key or token>"' },
    ],
    [
      'both headers',
      { authorization: `Bearer ${KEY}`, 'x-api-key': KEY },
      { kind: 'malformed', reason: 'send either Authorization or X-API-Key, not both' },
    ],
    [
      'a repeated X-API-Key',
      { 'x-api-key': [KEY, KEY] },
      { kind: 'malformed', reason: 'X-API-Key is repeated; send one key' },
    ],
    ['an empty X-API-Key', { 'x-api-key': '  ' }, { kind: 'malformed', reason: 'X-API-Key is empty' }],
  ])('%s', (_name, headers, expected) => {
    expect(readCredentials(headers)).toEqual(expected);
  });
});
