// Building DOM nodes without HTML parsing: strings always become text nodes. Nothing in the client
// hands a string to an HTML parser (WebClientFilesTest checks), so message text never becomes markup.

const ATTRIBUTES = new Set(['role', 'for', 'tabindex', 'autocomplete', 'spellcheck', 'maxlength', 'rows',
  'enterkeyhint', 'inputmode', 'rel', 'target', 'datetime', 'list']);

/**
 * Creates an element. Props: `class`, `dataset`, `on<event>` listeners, `aria-*` and a few other
 * attributes, everything else set as a property (`type`, `value`, `textContent`, `hidden`...).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'innerHTML' || key === 'outerHTML') throw new Error('no HTML here');
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key.startsWith('aria-') || key.startsWith('data-') || ATTRIBUTES.has(key)) el.setAttribute(key, value === true ? 'true' : String(value));
    else el[key] = value;
  }
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text) to an element; null, undefined and false are skipped. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** @returns the element with this id (it must exist) */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el;
}

/** Whether a scrolled element is (almost) at its bottom. */
export function nearBottom(el, slack = 80) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < slack;
}

/** Grows a textarea with its content, up to its CSS max-height. */
export function autoGrow(textarea) {
  textarea.style.height = 'auto';
  textarea.style.height = `${textarea.scrollHeight + 2}px`;
}
