// The side panel: one at a time, a thread or search results now; later work adds tasks and calls
// by calling showPanel with its own title and content (docs/web-client.md).
import { h, byId, nearBottom } from '../dom.js';
import { MessageList } from './messages.js';
import { Composer } from './composer.js';
import { formatMessage } from '../format.js';

let current = { name: '', onClose: () => {} };

/** Shows a panel; the one shown before is closed. */
export function showPanel(name, title, content, onClose = () => {}) {
  if (current.name && current.name !== name) current.onClose();
  current = { name, onClose };
  byId('side-panel-title').textContent = title;
  byId('side-panel-body').replaceChildren(...content);
  byId('side-panel').hidden = false;
  byId('side-panel').dataset.panel = name;
}

export function closePanel() {
  if (!current.name) return;
  const { onClose } = current;
  current = { name: '', onClose: () => {} };
  byId('side-panel').hidden = true;
  byId('side-panel-body').replaceChildren();
  delete byId('side-panel').dataset.panel;
  onClose();
}

export function panelOpen(name) {
  return current.name === name;
}

/** A thread: the root message, its replies (live), and a composer that replies to it. */
export class ThreadPanel {
  rootId = '';
  channelId = '';

  constructor(store, api, actions) {
    this.store = store;
    this.api = api;
    this.actions = actions;
    store.addEventListener('change', e => {
      const { what, rootId } = e.detail;
      if (!this.rootId) return;
      if ((what === 'thread' && rootId === this.rootId) || what === 'users' || (what === 'timeline' && e.detail.channelId === this.channelId)) this.render();
      if (what === 'typing' && rootId === this.rootId) this.#renderTyping();
    });
  }

  async open(root) {
    this.rootId = root.id;
    this.channelId = root.channelId;
    this.rootEl = h('ol', { class: 'message-list thread-root', 'aria-label': 'Thread start' });
    this.listEl = h('ol', { id: 'thread-list', class: 'message-list', role: 'log', 'aria-label': 'Replies', tabindex: 0 });
    this.typingEl = h('p', { class: 'typing-line', 'aria-live': 'polite' });
    const input = h('textarea', { id: 'thread-composer', rows: 1, maxLength: 4000, placeholder: 'Reply…',
      'aria-label': 'Reply in thread', enterkeyhint: 'send' });
    const form = h('form', { class: 'composer', id: 'thread-composer-form' }, input,
      h('button', { type: 'submit', class: 'primary', 'aria-label': 'Send reply' }, 'Reply'));
    const actions = { ...this.actions, refresh: () => this.render() };
    this.rootList = new MessageList(this.rootEl, this.store, actions, { threadView: true });
    this.list = new MessageList(this.listEl, this.store, actions, { threadView: true });
    this.composer = new Composer(form, input, {
      send: body => this.actions.send(this.channelId, body, this.rootId),
      typing: () => this.actions.typing(this.channelId, this.rootId),
      editLast: () => {},
      people: prefix => this.actions.people(this.channelId, prefix),
    });
    showPanel('thread', 'Thread', [this.rootEl, this.listEl, this.typingEl, form], () => { this.rootId = ''; });
    this.render();
    input.focus();
    try {
      const all = [];
      let after = 0;
      for (let i = 0; i < 20; i++) {
        const page = await this.api.thread(this.channelId, root.id, after);
        const replies = after === 0 ? page.slice(1) : page;
        all.push(...(after === 0 ? page : replies));
        if (replies.length < 100) break;
        after = replies[replies.length - 1].seq;
      }
      if (this.rootId === root.id) this.store.setThread(root.id, all);
    } catch (e) {
      this.listEl.replaceChildren(h('li', { class: 'history-edge' }, `The thread could not be loaded: ${e.message}`));
    }
  }

  render() {
    if (!this.rootId) return;
    const root = this.store.messages.get(this.rootId);
    if (root) this.rootList.render([this.rootList.item(root, { root: true })]);
    const th = this.store.threads.get(this.rootId);
    const stick = nearBottom(this.listEl);
    const items = (th?.ids ?? []).map(id => this.list.item(this.store.messages.get(id)));
    for (const p of this.store.pendingIn(this.channelId, this.rootId)) items.push(this.list.pendingItem(p));
    this.actions.needUsers((th?.ids ?? []).map(id => this.store.messages.get(id).senderId));
    this.list.render(items);
    if (stick) this.listEl.scrollTop = this.listEl.scrollHeight;
  }

  #renderTyping() {
    const who = this.store.typers(this.channelId, this.rootId).map(u => this.store.nameOf(u));
    this.typingEl.textContent = who.length ? `${who.join(', ')} ${who.length === 1 ? 'is' : 'are'} typing…` : '';
  }
}

/** Search results, newest first; choosing one opens its conversation (and thread) at the message. */
export async function showSearch(api, store, query, jump, resolveUsers) {
  const list = h('ul', { class: 'search-results', id: 'search-results', 'aria-label': 'Search results' },
    h('li', { class: 'panel-note' }, 'Searching…'));
  showPanel('search', `Search: ${query}`, [list]);
  let result;
  try {
    result = await api.search(query);
  } catch (e) {
    list.replaceChildren(h('li', { class: 'panel-note' }, `Search failed: ${e.message}`));
    return;
  }
  const messages = result.messages ?? [];
  await resolveUsers(messages.map(m => m.senderId)).catch(() => {});
  if (messages.length === 0) {
    list.replaceChildren(h('li', { class: 'panel-note' },
      'No messages hold all these words. Search matches whole words (not parts of words).'));
    return;
  }
  list.replaceChildren(...messages.map(m => {
    const ch = store.channels.get(m.channelId);
    return h('li', {}, h('button', { type: 'button', dataset: { messageId: m.id }, onclick: () => jump(m) },
      h('span', { class: 'where' }, `${ch ? store.displayName(ch) : 'a channel'} · ${store.nameOf(m.senderId)} · `
        + new Date(m.createdAt).toLocaleString()),
      h('span', { class: 'message-body' }, formatMessage(m.body ?? '', { me: store.me?.username }))));
  }));
}
