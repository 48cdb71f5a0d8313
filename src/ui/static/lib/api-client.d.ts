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
export function createApiClient({
  fetch,
  storage,
  baseUrl,
}: {
  fetch: typeof globalThis.fetch;
  storage: KeyStorage;
  baseUrl?: string;
}): ApiClient;
/**
 * A small JSON client for the Vigil API as the pages use it: it sends the stored API key as a bearer
 * token and turns error answers into {@link ApiError}s. `fetch` and the key storage are injected, so the
 * client is tested without a browser.
 * @module
 */
/** The `localStorage` key under which the pages keep the API key. */
export const API_KEY_STORAGE_KEY: 'vigil.apiKey';
/** An answer other than 2xx, or a request that never got one (`status` 0). */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the request failed before an answer
   * @param {string} message what went wrong, from the answer's body when it says
   * @param {string | null} code the API's error code (`VIGIL_ERR_…`), when given
   */
  constructor(status: number, message: string, code: string | null);
  status: number;
  code: string | null;
  /**
   * True for 401 (no key, or a key the API does not accept) and 403 (a key without the role the call
   * needs): another key may succeed.
   */
  get needsKey(): boolean;
}
/**
 * the slice of `Storage` the client uses
 */
export type KeyStorage = {
  getItem: (key: string) => string | null;
  setItem: (key: string, value: string) => void;
  removeItem: (key: string) => void;
};
export type ApiClient = {
  /**
   * GETs `path` and parses the JSON answer
   */
  getJson: (path: string) => Promise<unknown>;
  /**
   * POSTs `body` as JSON
   */
  postJson: (path: string, body: unknown) => Promise<unknown>;
  /**
   * whether an API key is stored
   */
  hasKey: () => boolean;
  /**
   * stores an API key (trimmed); an empty key removes it
   */
  setKey: (key: string) => void;
};
