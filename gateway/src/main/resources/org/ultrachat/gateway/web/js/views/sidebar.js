// The conversation list: channels and direct messages, with unread and mention badges and the
// presence of the people in direct messages.
import { h, byId } from '../dom.js';

export class Sidebar {
  /**
   * @param {import('../store.js').Store} store
   * @param {(channelId: string) => void} open
   */
  constructor(store, open) {
    this.store = store;
    this.open = open;
    this.channelList = byId('channel-list');
    this.dmList = byId('dm-list');
    store.addEventListener('change', e => {
      if (['channels', 'users', 'presence', 'active', 'members'].includes(e.detail.what)) this.render();
    });
  }

  render() {
    const { store } = this;
    const all = [...store.channels.values()];
    const byName = (a, b) => store.displayName(a).localeCompare(store.displayName(b));
    const rooms = all.filter(c => c.kind === 'public' || c.kind === 'private').sort(byName);
    const dms = all.filter(c => c.kind === 'direct' || c.kind === 'group').sort(byName);
    this.channelList.replaceChildren(...rooms.map(c => this.#item(c)));
    this.dmList.replaceChildren(...dms.map(c => this.#item(c)));
    if (rooms.length === 0) this.channelList.append(h('li', { class: 'muted empty-note' }, 'No channels yet'));
  }

  #item(c) {
    const { store } = this;
    const name = store.displayName(c);
    const active = store.activeChannel === c.id;
    const unread = active ? 0 : c.unread ?? 0;
    const mentions = active ? 0 : c.mentions ?? 0;
    let sigil;
    if (c.kind === 'direct') {
      const partner = store.dmPartners(c)[0];
      const status = partner ? store.presence.get(partner) ?? 'offline' : 'offline';
      sigil = h('span', { class: `presence ${status}`, dataset: { presence: status }, title: status,
        'aria-label': status });
    } else {
      sigil = h('span', { class: 'sigil', 'aria-hidden': 'true' }, c.kind === 'private' ? '🔒' : c.kind === 'group' ? '👥' : '#');
    }
    const label = [name, c.kind === 'direct' && sigil.title ? sigil.title : '', unread ? `${unread} unread` : '',
      mentions ? `${mentions} ${mentions === 1 ? 'mention' : 'mentions'}` : ''].filter(Boolean).join(', ');
    return h('li', { class: unread || mentions ? 'unread' : '' },
      h('button', { type: 'button', dataset: { channelId: c.id, kind: c.kind }, 'aria-current': active ? 'true' : 'false',
        'aria-label': label, onclick: () => this.open(c.id) },
      sigil,
      h('span', { class: 'name' }, name),
      mentions ? h('span', { class: 'badge mentions', dataset: { count: String(mentions) } }, `@${mentions}`)
        : unread ? h('span', { class: 'badge unread', dataset: { count: String(unread) } }, String(unread)) : null));
  }
}
