// The open conversation: its header, its history (older pages load when scrolled to the top),
// live messages, the typing line and the composer. Reading it moves the read mark.
import { h, byId, nearBottom } from '../dom.js';
import { MessageList } from './messages.js';
import { Composer } from './composer.js';

const PAGE = 50;

export class Conversation {
  channelId = '';
  #loadingOlder = false;
  #readTimer = 0;

  /**
   * @param {import('../store.js').Store} store
   * @param {import('../api.js').Api} api
   * @param {object} actions message actions plus send(channelId, body, rootId), typing(channelId, rootId), people(prefix)
   */
  constructor(store, api, actions) {
    this.store = store;
    this.api = api;
    this.actions = actions;
    this.listEl = byId('message-list');
    this.list = new MessageList(this.listEl, store, { ...actions, refresh: () => this.render() });
    this.composer = new Composer(byId('composer-form'), byId('composer'), {
      send: body => actions.send(this.channelId, body, null),
      typing: () => actions.typing(this.channelId, null),
      editLast: () => this.#editLast(),
      people: prefix => actions.people(this.channelId, prefix),
    });
    this.listEl.addEventListener('scroll', () => {
      if (this.listEl.scrollTop < 150) this.loadOlder();
    });
    store.addEventListener('change', e => {
      const { what, channelId } = e.detail;
      if (channelId && channelId !== this.channelId) return;
      if (what === 'timeline' || what === 'users') this.render();
      if (what === 'typing') this.#renderTyping();
      if (what === 'channels' || what === 'users' || what === 'members') this.#renderHead();
    });
    document.addEventListener('visibilitychange', () => this.#markRead());
  }

  async open(channelId) {
    this.channelId = channelId;
    this.list.editingId = '';
    this.list.pickerId = '';
    this.listEl.replaceChildren();
    byId('empty-state').hidden = true;
    this.listEl.hidden = false;
    byId('composer-form').hidden = false;
    this.#renderHead();
    this.#renderTyping();
    const t = this.store.timeline(channelId);
    if (!t.loaded) {
      this.render();
      try {
        const page = await this.api.history(channelId, { limit: PAGE });
        if (this.channelId !== channelId) return;
        this.store.addHistory(channelId, page, { older: false, limit: PAGE });
      } catch (e) {
        this.listEl.replaceChildren(h('li', { class: 'history-edge' }, `The history could not be loaded: ${e.message}`));
        return;
      }
    }
    this.render();
    this.listEl.scrollTop = this.listEl.scrollHeight;
    this.composer.focus();
  }

  close() {
    this.channelId = '';
    this.listEl.hidden = true;
    this.listEl.replaceChildren();
    byId('composer-form').hidden = true;
    byId('empty-state').hidden = false;
    byId('conversation-name').textContent = 'Welcome';
    byId('conversation-topic').textContent = '';
    byId('leave-channel').hidden = true;
  }

  render() {
    if (!this.channelId) return;
    const stick = nearBottom(this.listEl);
    const t = this.store.timeline(this.channelId);
    const ch = this.store.channels.get(this.channelId);
    const edge = t.loaded && !t.hasOlder
      ? `This is the beginning of ${ch ? this.store.displayName(ch) : 'the conversation'}.`
      : 'Loading older messages…';
    const items = [{ key: 'edge', version: edge, render: () => h('li', { class: 'history-edge' }, edge) }];
    for (const id of t.ids) items.push(this.list.item(this.store.messages.get(id)));
    for (const p of this.store.pendingIn(this.channelId, null)) items.push(this.list.pendingItem(p));
    this.actions.needUsers(t.ids.map(id => this.store.messages.get(id).senderId));
    this.list.render(items);
    if (stick) this.listEl.scrollTop = this.listEl.scrollHeight;
    this.#markRead();
  }

  async loadOlder() {
    const channelId = this.channelId;
    const t = this.store.timeline(channelId);
    if (this.#loadingOlder || !t.loaded || !t.hasOlder || t.ids.length === 0) return;
    this.#loadingOlder = true;
    try {
      const oldest = this.store.messages.get(t.ids[0]).seq;
      const page = await this.api.history(channelId, { before: oldest, limit: PAGE });
      if (this.channelId !== channelId) return;
      const fromBottom = this.listEl.scrollHeight - this.listEl.scrollTop;
      this.store.addHistory(channelId, page, { older: true, limit: PAGE });
      this.listEl.scrollTop = this.listEl.scrollHeight - fromBottom;
    } catch {
      // Tried again at the next scroll.
    } finally {
      this.#loadingOlder = false;
    }
  }

  /** Loads older pages until the message is there (a search result), then shows it. */
  async reveal(messageId) {
    for (let i = 0; i < 20 && !this.store.timeline(this.channelId).ids.includes(messageId); i++) {
      const t = this.store.timeline(this.channelId);
      if (!t.hasOlder) break;
      await this.loadOlder();
    }
    const li = this.listEl.querySelector(`[data-message-id="${messageId}"]`);
    if (!li) return false;
    li.scrollIntoView({ block: 'center' });
    li.classList.add('highlight');
    li.focus({ preventScroll: true });
    setTimeout(() => li.classList.remove('highlight'), 2500);
    return true;
  }

  #renderHead() {
    const ch = this.store.channels.get(this.channelId);
    if (!ch) return;
    const name = this.store.displayName(ch);
    const sigil = ch.kind === 'public' ? '# ' : ch.kind === 'private' ? '🔒 ' : '';
    byId('conversation-name').textContent = sigil + name;
    byId('conversation-topic').textContent = ch.archived ? 'Archived: read only' : ch.topic ?? '';
    byId('leave-channel').hidden = ch.kind === 'direct';
    byId('composer').placeholder = `Message ${sigil}${name}`;
    document.title = `${name} · UltraChat`;
  }

  #renderTyping() {
    const who = this.store.typers(this.channelId, null).map(u => this.store.nameOf(u));
    byId('typing-line').textContent = who.length === 0 ? ''
      : who.length === 1 ? `${who[0]} is typing…` : `${who.slice(0, 3).join(', ')} are typing…`;
  }

  #editLast() {
    const t = this.store.timeline(this.channelId);
    for (let i = t.ids.length - 1; i >= 0; i--) {
      const m = this.store.messages.get(t.ids[i]);
      if (m.senderId === this.store.me.id && !m.deleted) {
        this.list.startEdit(m);
        return;
      }
    }
  }

  /** Moves the read mark to the newest seq while the conversation is in view. */
  #markRead() {
    const ch = this.store.channels.get(this.channelId);
    if (!ch || document.visibilityState !== 'visible') return;
    if ((ch.unread ?? 0) !== 0 || (ch.mentions ?? 0) !== 0) {
      ch.unread = 0;
      ch.mentions = 0;
      this.store.changed('channels');
    }
    if ((ch.lastReadSeq ?? 0) >= (ch.lastSeq ?? 0)) return;
    clearTimeout(this.#readTimer);
    this.#readTimer = setTimeout(() => {
      const seq = ch.lastSeq;
      this.api.markRead(ch.id, seq).then(() => {
        ch.lastReadSeq = Math.max(ch.lastReadSeq ?? 0, seq);
      }).catch(() => {});
    }, 400);
  }
}
