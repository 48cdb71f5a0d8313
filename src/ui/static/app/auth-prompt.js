/**
 * The small "API key required" form the pages show when the API answers 401 or 403.
 * @module
 */
import { el, replaceChildren } from './dom.js';

/** @type {Promise<void> | null} */
let pending = null;

/**
 * Shows the key prompt in `section` and resolves once a key is saved (stored through `client`). While
 * the prompt is open, further calls get the same promise (several requests may be refused at once).
 * @param {HTMLElement} section an empty section with `aria-labelledby="key-prompt-title"`
 * @param {import('../lib/api-client.js').ApiClient} client
 * @param {string} reason the API's message
 * @returns {Promise<void>}
 */
export function promptForKey(section, client, reason) {
  pending ??= new Promise((resolve) => {
    const input = /** @type {HTMLInputElement} */ (
      el('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true })
    );
    const form = el(
      'form',
      { class: 'key-form' },
      el('label', { for: 'api-key' }, 'API key'),
      input,
      el('button', { type: 'submit' }, 'Save key'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      client.setKey(input.value);
      section.hidden = true;
      replaceChildren(section);
      pending = null;
      resolve();
    });
    replaceChildren(
      section,
      el('h2', { id: 'key-prompt-title' }, 'API key required'),
      el(
        'p',
        {},
        client.hasKey() ? 'The stored API key was refused: ' : 'The API needs a key for this: ',
        reason,
      ),
      el(
        'p',
        { class: 'hint' },
        'The key is kept in this browser (localStorage) and sent as a bearer token.',
      ),
      form,
    );
    section.hidden = false;
    input.focus();
  });
  return pending;
}
