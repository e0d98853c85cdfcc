// The small, safe formatting subset of message text, built as DOM nodes (never HTML):
//   ```code block```, `inline code`, *bold*, http(s) links, @mentions.
// Anything else, including any markup, stays literal text.
import { h } from './dom.js';

const BLOCK = /```\n?([\s\S]*?)```/g;
const INLINE = /`([^`\n]+)`|(https?:\/\/[^\s<>"'`]+)|(^|[^\w@])@([a-z0-9][a-z0-9._-]*)|\*([^*\n]+)\*/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * @param {string} text message body
 * @param {{me?: string, known?: (name: string) => boolean}} options my username (its mentions stand out)
 * @returns {Node[]} nodes to append
 */
export function formatMessage(text, options = {}) {
  const nodes = [];
  let last = 0;
  for (const m of text.matchAll(BLOCK)) {
    nodes.push(...inline(text.slice(last, m.index), options));
    nodes.push(h('pre', {}, h('code', { textContent: m[1] })));
    last = m.index + m[0].length;
  }
  nodes.push(...inline(text.slice(last), options));
  return nodes;
}

function inline(text, options) {
  const nodes = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    let start = m.index;
    if (m[1] !== undefined) {
      push(nodes, text.slice(last, start));
      nodes.push(h('code', { textContent: m[1] }));
      last = start + m[0].length;
    } else if (m[2] !== undefined) {
      let url = m[2];
      const trail = url.match(TRAILING);
      if (trail) url = url.slice(0, -trail[0].length);
      push(nodes, text.slice(last, start));
      nodes.push(link(url));
      last = start + url.length;
    } else if (m[4] !== undefined) {
      start += m[3].length;
      const name = m[4].replace(/[._-]+$/, '');
      push(nodes, text.slice(last, start));
      const mine = options.me && name.toLowerCase() === options.me;
      const everyone = ['channel', 'here', 'everyone'].includes(name.toLowerCase());
      nodes.push(h('span', { class: `mention${mine || everyone ? ' me' : ''}`, textContent: `@${name}` }));
      last = start + 1 + name.length;
    } else if (m[5] !== undefined) {
      push(nodes, text.slice(last, start));
      nodes.push(h('strong', { textContent: m[5] }));
      last = start + m[0].length;
    }
  }
  push(nodes, text.slice(last));
  return nodes;
}

function push(nodes, text) {
  if (text) nodes.push(document.createTextNode(text));
}

function link(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return document.createTextNode(url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return document.createTextNode(url);
  return h('a', { href: parsed.href, rel: 'noopener noreferrer nofollow', target: '_blank', textContent: url });
}
