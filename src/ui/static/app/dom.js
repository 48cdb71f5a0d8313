/**
 * Tiny DOM helpers for the pages. Text is always set through `textContent`, never parsed as HTML.
 * @module
 */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 */

/**
 * Creates an element. `attrs` keys become attributes (`class`, `href`, `aria-*`, `data-*`…); `false`,
 * null and undefined values are skipped, `true` sets an empty attribute.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/**
 * Appends children (text for strings and numbers; nested arrays are flattened; empty values skipped).
 * @param {Node} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces the children of `parent`.
 * @param {Node} parent
 * @param {...(Child | Child[])} children
 */
export function replaceChildren(parent, ...children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * The element with `id`; throws when the page lacks it (a page/script mismatch).
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no element #${id}`);
  return /** @type {T} */ (node);
}

/**
 * A `<time>` element showing `text`, with the machine-readable instant and the full UTC time as tooltip.
 * @param {number} ms
 * @param {string} text
 * @param {string} title
 * @returns {HTMLElement}
 */
export function timeEl(ms, text, title) {
  return el('time', { datetime: Number.isFinite(ms) ? new Date(ms).toISOString() : null, title }, text);
}

/**
 * A severity or status badge.
 * @param {string} kind `severity` or `status`
 * @param {string} value
 * @returns {HTMLElement}
 */
export function badge(kind, value) {
  return el('span', { class: `badge ${kind}-${value}` }, value);
}
