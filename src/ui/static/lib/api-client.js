/**
 * A small JSON client for the Vigil API as the pages use it: it sends the stored API key as a bearer
 * token and turns error answers into {@link ApiError}s. `fetch` and the key storage are injected, so the
 * client is tested without a browser.
 * @module
 */

/** The `localStorage` key under which the pages keep the API key. */
export const API_KEY_STORAGE_KEY = 'vigil.apiKey';

/** An answer other than 2xx, or a request that never got one (`status` 0). */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the request failed before an answer
   * @param {string} message what went wrong, from the answer's body when it says
   * @param {string | null} code the API's error code (`VIGIL_ERR_…`), when given
   */
  constructor(status, message, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /**
   * True for 401 (no key, or a key the API does not accept) and 403 (a key without the role the call
   * needs): another key may succeed.
   */
  get needsKey() {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * @typedef {object} KeyStorage the slice of `Storage` the client uses
 * @property {(key: string) => string | null} getItem
 * @property {(key: string, value: string) => void} setItem
 * @property {(key: string) => void} removeItem
 */

/**
 * @typedef {object} ApiClient
 * @property {(path: string) => Promise<unknown>} getJson GETs `path` and parses the JSON answer
 * @property {(path: string, body: unknown) => Promise<unknown>} postJson POSTs `body` as JSON
 * @property {() => boolean} hasKey whether an API key is stored
 * @property {(key: string) => void} setKey stores an API key (trimmed); an empty key removes it
 */

/**
 * @param {{ fetch: typeof globalThis.fetch, storage: KeyStorage, baseUrl?: string }} options
 * @returns {ApiClient}
 */
export function createApiClient({ fetch, storage, baseUrl = '' }) {
  const key = () => {
    const stored = storage.getItem(API_KEY_STORAGE_KEY);
    return stored && stored.trim() !== '' ? stored.trim() : null;
  };

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    const apiKey = key();
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError(
        0,
        `the API could not be reached: ${error instanceof Error ? error.message : error}`,
        null,
      );
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) throw errorFromAnswer(response.status, response.statusText, json, text);
    if (json === undefined)
      throw new ApiError(response.status, 'the API answered with something other than JSON', null);
    return json;
  }

  return {
    getJson: (path) => request('GET', path),
    postJson: (path, body) => request('POST', path, body),
    hasKey: () => key() !== null,
    setKey: (value) => {
      if (value.trim() === '') storage.removeItem(API_KEY_STORAGE_KEY);
      else storage.setItem(API_KEY_STORAGE_KEY, value.trim());
    },
  };
}

/**
 * @param {string} text
 * @returns {unknown} undefined when `text` is not JSON
 */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads the API's `{ error: 'VIGIL_ERR_…', message }` answers, and `{ message, code }`,
 * `{ error: { message, code } }` or `{ error: 'text' }` from anything in front of it.
 * @param {number} status
 * @param {string} statusText
 * @param {unknown} json
 * @param {string} text
 * @returns {ApiError}
 */
function errorFromAnswer(status, statusText, json, text) {
  const body = typeof json === 'object' && json !== null ? /** @type {Record<string, unknown>} */ (json) : {};
  const nested =
    typeof body.error === 'object' && body.error !== null
      ? /** @type {Record<string, unknown>} */ (body.error)
      : {};
  const message =
    [body.message, nested.message, body.error].find((m) => typeof m === 'string' && m !== '') ??
    (text.trim() !== '' && json === undefined
      ? text.trim().slice(0, 200)
      : `HTTP ${status} ${statusText}`.trim());
  const codeLike = (/** @type {unknown} */ c) => typeof c === 'string' && /^[A-Z][A-Z0-9_]+$/.test(c);
  const code = [body.code, nested.code, body.error].find(codeLike) ?? null;
  return new ApiError(status, /** @type {string} */ (message), /** @type {string | null} */ (code));
}
