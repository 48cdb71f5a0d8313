/**
 * The small "API key required" form the pages show when the API answers 401.
 * @module
 */
import { el, replaceChildren } from './dom.js';

/**
 * Shows the key prompt in `section`; saving stores the key through `client` and calls `onSaved`.
 * @param {HTMLElement} section an empty section with `aria-labelledby="key-prompt-title"`
 * @param {import('../lib/api-client.js').ApiClient} client
 * @param {string} reason the API's message
 * @param {() => void} onSaved
 */
export function showKeyPrompt(section, client, reason, onSaved) {
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
    onSaved();
  });
  replaceChildren(
    section,
    el('h2', { id: 'key-prompt-title' }, 'API key required'),
    el(
      'p',
      {},
      client.hasKey() ? 'The stored API key was not accepted: ' : 'The API needs a key to show this data: ',
      reason,
    ),
    el('p', { class: 'hint' }, 'The key is kept in this browser (localStorage) and sent as a bearer token.'),
    form,
  );
  section.hidden = false;
  input.focus();
}
