import type { ApiKeyRecord, ApiKeyStore } from '../../storage/api-key-store.js';
import { generateApiKey, type RandomBytes } from './api-key-format.js';
import type { Role } from './roles.js';

/** A key just created: `key` is shown once and exists nowhere else. */
export interface IssuedApiKey {
  readonly record: ApiKeyRecord;
  readonly key: string;
}

/** Longest key name accepted. */
export const MAX_KEY_NAME_LENGTH = 100;

/**
 * Creates a key with `role` and stores only its digest. Names are labels for people (trimmed,
 * 1..{@link MAX_KEY_NAME_LENGTH} chars, no control characters); they need not be unique, so a key can be
 * rotated by creating its successor under the same name before revoking it.
 */
export async function issueApiKey(
  store: Pick<ApiKeyStore, 'insert'>,
  request: { readonly name: string; readonly role: Role },
  clock: { readonly now: () => number; readonly random?: RandomBytes },
): Promise<IssuedApiKey> {
  const name = request.name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name === '' || name.length > MAX_KEY_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new Error(
      `key name must be 1..${MAX_KEY_NAME_LENGTH} printable characters, got ${JSON.stringify(request.name)}`,
    );
  }
  const generated = clock.random ? generateApiKey(clock.random) : generateApiKey();
  const record: ApiKeyRecord = {
    id: generated.id,
    name,
    role: request.role,
    keyHash: generated.keyHash,
    createdAtMs: clock.now(),
    lastUsedAtMs: null,
    revokedAtMs: null,
  };
  await store.insert(record);
  return { record, key: generated.key };
}
