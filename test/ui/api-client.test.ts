import { describe, expect, it } from 'vitest';
import { API_KEY_STORAGE_KEY, ApiError, createApiClient } from '../../src/ui/static/lib/api-client.js';

interface Call {
  url: string;
  init: RequestInit;
}

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

function fakeFetch(status: number, body: string, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('api client', () => {
  it('sends the stored key as a bearer token and parses JSON', async () => {
    const calls: Call[] = [];
    const client = createApiClient({
      fetch: fakeFetch(200, '{"items":[]}', calls),
      storage: memoryStorage({ [API_KEY_STORAGE_KEY]: ' vk_123 ' }),
      baseUrl: 'http://h',
    });
    expect(await client.getJson('/api/v1/incidents')).toEqual({ items: [] });
    expect(calls[0]!.url).toBe('http://h/api/v1/incidents');
    expect(calls[0]!.init.method).toBe('GET');
    expect(calls[0]!.init.headers).toEqual({ accept: 'application/json', authorization: 'Bearer vk_123' });
  });

  it('sends no authorization without a key, and posts JSON', async () => {
    const calls: Call[] = [];
    const client = createApiClient({ fetch: fakeFetch(201, '{"ok":true}', calls), storage: memoryStorage() });
    expect(client.hasKey()).toBe(false);
    expect(await client.postJson('/x', { verdict: 'confirmed' })).toEqual({ ok: true });
    expect(calls[0]!.init).toMatchObject({
      method: 'POST',
      body: '{"verdict":"confirmed"}',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    });
  });

  it('stores and removes the key', () => {
    const storage = memoryStorage();
    const client = createApiClient({ fetch: fakeFetch(200, '{}', []), storage });
    client.setKey('  k1 ');
    expect(storage.data.get(API_KEY_STORAGE_KEY)).toBe('k1');
    expect(client.hasKey()).toBe(true);
    client.setKey(' ');
    expect(storage.data.has(API_KEY_STORAGE_KEY)).toBe(false);
  });

  it.each([
    [
      401,
      '{"statusCode":401,"code":"VIGIL_ERR_AUTH_MISSING_CREDENTIALS","message":"authentication required"}',
      'authentication required',
      'VIGIL_ERR_AUTH_MISSING_CREDENTIALS',
      true,
    ],
    [
      404,
      '{"error":{"code":"VIGIL_ERR_NOT_FOUND","message":"no incident x"}}',
      'no incident x',
      'VIGIL_ERR_NOT_FOUND',
      false,
    ],
    [
      403,
      '{"error":"VIGIL_ERR_AUTH_FORBIDDEN","message":"needs the operator role"}',
      'needs the operator role',
      'VIGIL_ERR_AUTH_FORBIDDEN',
      true,
    ],
    [400, '{"error":"Bad Request"}', 'Bad Request', null, false],
    [502, '<html>gateway</html>', '<html>gateway</html>', null, false],
    [500, '', 'HTTP 500', null, false],
  ])('turns a %s answer into an ApiError', async (status, body, message, code, needsKey) => {
    const client = createApiClient({ fetch: fakeFetch(status, body, []), storage: memoryStorage() });
    const error = await rejection(client.getJson('/x'));
    expect(error).toMatchObject({ status, message, code });
    expect(error.needsKey).toBe(needsKey);
  });

  it('reports an unreachable API and a non-JSON success', async () => {
    const down = createApiClient({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      storage: memoryStorage(),
    });
    expect(await rejection(down.getJson('/x'))).toMatchObject({
      status: 0,
      message: 'the API could not be reached: Failed to fetch',
    });
    const html = createApiClient({ fetch: fakeFetch(200, '<html>', []), storage: memoryStorage() });
    expect((await rejection(html.getJson('/x'))).message).toBe(
      'the API answered with something other than JSON',
    );
  });
});
