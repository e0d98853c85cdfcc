// Renders messages into a list and keeps it in step with the store: a keyed update that rebuilds
// only the items whose version changed, so scrolling, focus and an edit in progress survive.
import { h, autoGrow } from '../dom.js';
import { formatMessage } from '../format.js';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '✅'];
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * @typedef {object} MessageActions
 * @property {(m: object) => void} openThread
 * @property {(m: object, emoji: string) => void} toggleReaction
 * @property {(m: object, body: string) => Promise<void>} edit
 * @property {(m: object) => Promise<void>} remove
 * @property {(p: object) => void} retry
 * @property {(p: object) => void} discard
 */
export class MessageList {
  editingId = '';
  editDraft = '';
  pickerId = '';

  /**
   * @param {HTMLElement} el the list (an <ol>)
   * @param {import('../store.js').Store} store
   * @param {MessageActions} actions
   * @param {{threadView?: boolean}} options replies in a thread panel have no thread link
   */
  constructor(el, store, actions, options = {}) {
    this.el = el;
    this.store = store;
    this.actions = actions;
    this.threadView = options.threadView ?? false;
  }

  /** @param {Array<{key: string, version: string, render: () => HTMLElement}>} items in order */
  render(items) {
    const existing = new Map();
    for (const child of this.el.children) existing.set(child.dataset.key, child);
    items.forEach((item, i) => {
      let node = existing.get(item.key);
      if (!node || node.dataset.version !== item.version) {
        const fresh = item.render();
        fresh.dataset.key = item.key;
        fresh.dataset.version = item.version;
        if (node) node.replaceWith(fresh);
        node = fresh;
      }
      existing.delete(item.key);
      if (this.el.children[i] !== node) this.el.insertBefore(node, this.el.children[i] ?? null);
    });
    for (const stale of existing.values()) stale.remove();
  }

  /** @returns the list item of a stored message */
  item(m, { root = false } = {}) {
    const mine = this.store.myReactions.get(m.id);
    const version = [m._rev, this.store.usersRev, this.editingId === m.id, this.pickerId === m.id,
      mine ? [...mine].join('') : ''].join('|');
    return { key: m.id, version, render: () => this.#message(m, root) };
  }

  pendingItem(p) {
    return { key: `pending:${p.clientId}`, version: p.state, render: () => this.#pending(p) };
  }

  #message(m, root) {
    const me = this.store.me;
    const own = m.senderId === me?.id;
    const li = h('li', { class: 'message', tabindex: -1, dataset: { messageId: m.id, seq: String(m.seq) } });
    const sender = this.store.users.get(m.senderId);
    const name = this.store.nameOf(m.senderId);
    li.append(h('div', { class: `avatar hue-${hue(m.senderId)}`, 'aria-hidden': 'true' }, initial(name)));
    const created = new Date(m.createdAt);
    li.append(h('div', { class: 'message-meta' },
      h('span', { class: 'author', title: sender ? `@${sender.username}` : '' }, name),
      h('time', { class: 'time', datetime: m.createdAt, title: DAY_TIME.format(created) }, TIME.format(created)),
      m.edited && !m.deleted ? h('span', { class: 'edited' }, '(edited)') : null));

    if (m.deleted) {
      li.append(h('div', { class: 'message-body deleted' }, 'This message was deleted.'));
    } else if (this.editingId === m.id) {
      li.append(this.#editBox(m));
    } else {
      li.append(h('div', { class: 'message-body' }, formatMessage(m.body ?? '', { me: me?.username })));
    }

    const counts = Object.entries(m.reactions ?? {}).filter(([, n]) => n > 0);
    if (counts.length > 0 && !m.deleted) {
      const chosen = this.store.myReactions.get(m.id) ?? new Set();
      li.append(h('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' },
        counts.map(([emoji, n]) => h('button', {
          type: 'button', class: `reaction${chosen.has(emoji) ? ' mine' : ''}`,
          'aria-pressed': chosen.has(emoji) ? 'true' : 'false', 'aria-label': `${emoji} ${n}, toggle my reaction`,
          onclick: () => this.actions.toggleReaction(m, emoji),
        }, `${emoji} ${n}`))));
    }
    if (this.pickerId === m.id) {
      li.append(h('div', { class: 'reaction-picker', role: 'group', 'aria-label': 'Pick a reaction' },
        QUICK_REACTIONS.map(emoji => h('button', { type: 'button', 'aria-label': `React with ${emoji}`,
          onclick: () => { this.pickerId = ''; this.actions.toggleReaction(m, emoji); } }, emoji))));
    }
    if (!this.threadView && !root && (m.replyCount ?? 0) > 0) {
      li.append(h('button', { type: 'button', class: 'link thread-link', onclick: () => this.actions.openThread(m) },
        `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`));
    }
    if (!m.deleted) li.append(this.#actionsBar(m, own, root));
    return li;
  }

  #actionsBar(m, own, root) {
    return h('div', { class: 'message-actions', role: 'toolbar', 'aria-label': 'Message actions' },
      h('button', { type: 'button', class: 'action-react', 'aria-label': 'Add a reaction', title: 'Add a reaction',
        onclick: () => { this.pickerId = this.pickerId === m.id ? '' : m.id; this.actions.refresh(); } }, '☺'),
      !this.threadView && !root && !m.threadRootId
        ? h('button', { type: 'button', class: 'action-reply', 'aria-label': 'Reply in thread', title: 'Reply in thread',
          onclick: () => this.actions.openThread(m) }, '↩') : null,
      own ? h('button', { type: 'button', class: 'action-edit', 'aria-label': 'Edit message', title: 'Edit',
        onclick: () => this.startEdit(m) }, '✎') : null,
      own ? h('button', { type: 'button', class: 'action-delete', 'aria-label': 'Delete message', title: 'Delete',
        onclick: () => { if (confirm('Delete this message?')) this.actions.remove(m); } }, '🗑') : null);
  }

  startEdit(m) {
    this.editingId = m.id;
    this.editDraft = m.body ?? '';
    this.actions.refresh();
    const box = this.el.querySelector(`[data-message-id="${m.id}"] textarea`);
    if (box) {
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }
  }

  #editBox(m) {
    const area = h('textarea', { value: this.editDraft, maxLength: 4000, 'aria-label': 'Edit message',
      oninput: () => { this.editDraft = area.value; autoGrow(area); } });
    const finish = async save => {
      const body = area.value.trim();
      if (save && body && body !== m.body) {
        try {
          await this.actions.edit(m, body);
        } catch (e) {
          alert(`The edit was not saved: ${e.message}`);
          return;
        }
      }
      this.editingId = '';
      this.actions.refresh();
      this.el.closest('section, aside')?.querySelector('textarea.composer-input')?.focus();
    };
    area.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        finish(true);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        finish(false);
      }
    });
    return h('div', { class: 'edit-box' }, area,
      h('span', { class: 'hint' }, 'Enter saves · Escape cancels · Shift+Enter new line'));
  }

  #pending(p) {
    const name = this.store.me?.displayName ?? '';
    const li = h('li', { class: `message pending${p.state === 'failed' ? ' failed' : ''}`, dataset: { clientId: p.clientId } },
      h('div', { class: `avatar hue-${hue(this.store.me?.id ?? '')}`, 'aria-hidden': 'true' }, initial(name)),
      h('div', { class: 'message-meta' }, h('span', { class: 'author' }, name),
        h('span', { class: 'time' }, p.state === 'failed' ? 'not sent' : 'sending…')),
      h('div', { class: 'message-body' }, formatMessage(p.body, { me: this.store.me?.username })));
    if (p.state === 'failed') {
      li.append(h('div', { class: 'retry-row' }, `${p.detail ?? 'refused'} `,
        h('button', { type: 'button', class: 'link', onclick: () => this.actions.retry(p) }, 'Retry'),
        h('button', { type: 'button', class: 'link', onclick: () => this.actions.discard(p) }, 'Discard')));
    }
    return li;
  }
}

function initial(name) {
  return [...(name || '?')][0];
}

/** A stable colour per user, from their id. */
function hue(id) {
  let n = 0;
  for (const c of id) n = (n * 31 + c.charCodeAt(0)) % 6;
  return n + 1;
}
