// The client's state: channels, messages, threads, people, presence, typing. Real-time events are
// applied once each, in seq order per channel (an event at or below the seq already held is a
// repeat and is dropped); messages are kept once each by id, so a page of history that overlaps
// live events shows nothing twice. Views listen to `change` ({detail: {what, channelId, rootId}}).

const TYPING_SHOWN_MS = 6000;

export class Store extends EventTarget {
  me = null;
  /** @type {Map<string, object>} channel id → channel (REST shape plus unread, mentions, members) */
  channels = new Map();
  /** @type {Map<string, number>} channel id → the last seq applied from the socket (what resume sends) */
  seen = new Map();
  /** @type {Map<string, object>} message id → message (with _rev, bumped on every change) */
  messages = new Map();
  /** @type {Map<string, {ids: string[], loaded: boolean, hasOlder: boolean}>} channel id → its root messages */
  timelines = new Map();
  /** @type {Map<string, {ids: string[], loaded: boolean}>} root id → its replies */
  threads = new Map();
  /** @type {Map<string, Set<string>>} message id → emoji I reacted with (as seen in this session) */
  myReactions = new Map();
  users = new Map();
  usersRev = 0;
  presence = new Map();
  /** @type {Map<string, Map<string, number>>} "channel/root" → user id → until when shown */
  typing = new Map();
  /** @type {Map<string, object>} client id → a message being sent */
  pending = new Map();
  activeChannel = '';

  changed(what, channelId = '', rootId = '') {
    this.dispatchEvent(new CustomEvent('change', { detail: { what, channelId, rootId } }));
  }

  // ---- channels

  /**
   * The channel list as the server gave it. Channels added here after the request started (one
   * just created or joined) are kept: the list may have been read before they existed.
   */
  setChannels(list, requestedAt = Date.now()) {
    const fresh = new Map();
    for (const c of list) {
      const old = this.channels.get(c.id);
      fresh.set(c.id, { ...old, ...c, lastSeq: Math.max(old?.lastSeq ?? 0, c.lastSeq) });
    }
    for (const [id, c] of this.channels) {
      if (!fresh.has(id) && (c._addedAt ?? 0) >= requestedAt) fresh.set(id, c);
    }
    for (const id of [...this.seen.keys()]) {
      if (!fresh.has(id) && this.channels.has(id)) this.seen.delete(id);
    }
    this.channels = fresh;
    this.changed('channels');
  }

  upsertChannel(c) {
    this.channels.set(c.id, { unread: 0, mentions: 0, lastReadSeq: c.lastSeq, ...this.channels.get(c.id), ...c,
      _addedAt: Date.now() });
    this.changed('channels');
  }

  removeChannel(id) {
    this.channels.delete(id);
    this.seen.delete(id);
    this.timelines.delete(id);
    this.changed('channels');
  }

  /** What `resume` sends: for each channel followed, the last seq applied. */
  resumePoints() {
    return Object.fromEntries(this.seen);
  }

  /** A (re)connection's hello: channels not followed yet start live at the seq it names. */
  hello(channels) {
    for (const { channelId, lastSeq } of channels) {
      if (!this.seen.has(channelId)) this.seen.set(channelId, lastSeq);
    }
  }

  follow(channelId, lastSeq) {
    this.seen.set(channelId, lastSeq);
  }

  // ---- messages

  /** A message from a REST page: it never replaces a version that came with a later event. */
  putFromHistory(m) {
    const old = this.messages.get(m.id);
    if (old && old._fromEvent) return old;
    const stored = { ...m, _rev: (old?._rev ?? 0) + 1 };
    this.messages.set(m.id, stored);
    return stored;
  }

  /** A message as an event carries it: the newest state. */
  putFromEvent(m) {
    const old = this.messages.get(m.id);
    const stored = { ...m, _rev: (old?._rev ?? 0) + 1, _fromEvent: true };
    this.messages.set(m.id, stored);
    return stored;
  }

  timeline(channelId) {
    let t = this.timelines.get(channelId);
    if (!t) {
      t = { ids: [], loaded: false, hasOlder: true };
      this.timelines.set(channelId, t);
    }
    return t;
  }

  /** Adds a page of history (oldest first) to a channel's timeline. */
  addHistory(channelId, page, { older, limit }) {
    const t = this.timeline(channelId);
    for (const m of page) insertBySeq(t.ids, this.putFromHistory(m), this.messages);
    if (older || !t.loaded) t.hasOlder = page.length >= limit;
    t.loaded = true;
    this.changed('timeline', channelId);
  }

  setThread(rootId, list) {
    const th = { ids: [], loaded: true };
    for (const m of list) {
      const stored = this.putFromHistory(m);
      if (m.id !== rootId) insertBySeq(th.ids, stored, this.messages);
    }
    this.threads.set(rootId, th);
    this.changed('thread', list[0]?.channelId ?? '', rootId);
  }

  // ---- real-time events

  /** @returns whether the event was new (false: a repeat, dropped) */
  applyEvent(ev) {
    if (ev.seq === undefined || ev.seq === null) return this.#personal(ev);
    const held = this.seen.get(ev.channelId);
    const mine = ev.userId && ev.userId === this.me?.id;
    if (held === undefined) {
      // A channel not followed yet: only news of my own joining matters (`subscribed` then starts it).
      if (mine && (ev.type === 'member.added' || ev.type === 'member.joined')) this.changed('joined', ev.channelId);
      return false;
    }
    if (ev.seq <= held) return false;
    this.seen.set(ev.channelId, ev.seq);
    const ch = this.channels.get(ev.channelId);
    // Counts (unread, mentions) already include what the channel list said up to its lastSeq.
    const uncounted = ch !== undefined && ev.seq > (ch.lastSeq ?? 0);
    if (ch) ch.lastSeq = Math.max(ch.lastSeq ?? 0, ev.seq);
    switch (ev.type) {
      case 'message.created': this.#created(ev, uncounted ? ch : undefined); break;
      case 'message.updated': case 'message.deleted': case 'message.pinned': case 'message.unpinned':
        this.#updated(ev.message);
        break;
      case 'reaction.added': case 'reaction.removed':
        if (ev.userId === this.me?.id) this.#mine(ev.messageId, ev.emoji, ev.type === 'reaction.added');
        if (ev.message) this.#updated(ev.message);
        break;
      case 'channel.updated': case 'channel.archived': case 'channel.unarchived':
        if (ch) {
          if (ev.topic !== undefined) ch.topic = ev.topic;
          if (ev.archived !== undefined) ch.archived = ev.archived;
          if (ev.type !== 'channel.updated') ch.archived = ev.type === 'channel.archived';
          this.changed('channels');
        }
        break;
      case 'member.left': case 'member.removed':
        if (mine) this.removeChannel(ev.channelId);
        else if (ch?.members) {
          ch.members = ch.members.filter(u => u !== ev.userId);
          this.changed('members', ev.channelId);
        }
        break;
      case 'member.joined': case 'member.added':
        if (ch?.members && !ch.members.includes(ev.userId)) {
          ch.members = [...ch.members, ev.userId];
          this.changed('members', ev.channelId);
        }
        break;
      default:
        break;
    }
    return true;
  }

  #personal(ev) {
    const ch = this.channels.get(ev.channelId);
    if (ev.type === 'read_state.updated' && ch) {
      ch.lastReadSeq = Math.max(ch.lastReadSeq ?? 0, ev.lastReadSeq);
      ch.mentions = 0;
      if (ch.lastReadSeq >= (ch.lastSeq ?? 0)) ch.unread = 0;
      this.changed('channels');
    } else if (ev.type === 'member.added' && ev.userId === this.me?.id && !ch) {
      this.changed('joined', ev.channelId);
    } else if ((ev.type === 'member.removed' || ev.type === 'member.left') && ev.userId === this.me?.id) {
      this.removeChannel(ev.channelId);
    }
    return true;
  }

  #created(ev, ch) {
    const m = this.putFromEvent(ev.message);
    this.#settlePending(m);
    this.typingStopped(m.channelId, m.threadRootId, m.senderId);
    if (m.threadRootId) {
      const th = this.threads.get(m.threadRootId);
      if (th && !th.ids.includes(m.id)) insertBySeq(th.ids, m, this.messages);
      const root = this.messages.get(m.threadRootId);
      if (root) {
        const replied = root._replies ?? new Set();
        if (!replied.has(m.id)) {
          replied.add(m.id);
          this.messages.set(root.id, { ...root, _replies: replied, replyCount: (root.replyCount ?? 0) + 1,
            _rev: root._rev + 1 });
        }
      }
      this.changed('thread', m.channelId, m.threadRootId);
    } else {
      const t = this.timelines.get(m.channelId);
      if (t?.loaded) insertBySeq(t.ids, m, this.messages);
    }
    if (ch && m.senderId !== this.me?.id) {
      const looking = this.activeChannel === m.channelId && document.visibilityState === 'visible';
      if (!looking && !m.threadRootId) ch.unread = (ch.unread ?? 0) + 1;
      if (!looking && (m.mentions ?? []).some(u => u === this.me?.id || u === '@channel')) ch.mentions = (ch.mentions ?? 0) + 1;
      this.changed('channels');
    }
    this.changed('timeline', m.channelId);
  }

  #updated(message) {
    if (!message) return;
    const m = this.putFromEvent(message);
    this.changed('timeline', m.channelId);
    if (m.threadRootId) this.changed('thread', m.channelId, m.threadRootId);
    if (this.threads.has(m.id)) this.changed('thread', m.channelId, m.id);
  }

  #mine(messageId, emoji, added) {
    const set = this.myReactions.get(messageId) ?? new Set();
    if (added) set.add(emoji); else set.delete(emoji);
    this.myReactions.set(messageId, set);
  }

  noteMyReaction(messageId, emoji, added) {
    this.#mine(messageId, emoji, added);
  }

  // ---- sending

  addPending(p) {
    this.pending.set(p.clientId, { ...p, state: 'sending', createdAt: new Date().toISOString() });
    this.changed(p.threadRootId ? 'thread' : 'timeline', p.channelId, p.threadRootId ?? '');
  }

  /** The ack of a send: the pending copy goes, the stored message (from its event) stays. */
  acked(clientId) {
    const p = this.pending.get(clientId);
    if (!p) return;
    this.pending.delete(clientId);
    this.changed(p.threadRootId ? 'thread' : 'timeline', p.channelId, p.threadRootId ?? '');
  }

  failed(clientId, detail) {
    const p = this.pending.get(clientId);
    if (!p) return;
    p.state = 'failed';
    p.detail = detail;
    this.changed(p.threadRootId ? 'thread' : 'timeline', p.channelId, p.threadRootId ?? '');
  }

  /** The event of my own message may come before its ack: the pending copy with that text goes then. */
  #settlePending(m) {
    if (m.senderId !== this.me?.id) return;
    for (const [clientId, p] of this.pending) {
      if (p.channelId === m.channelId && (p.threadRootId ?? null) === (m.threadRootId ?? null) && p.body === m.body
          && p.state === 'sending') {
        this.pending.delete(clientId);
        p.settledBy = m.id;
        return;
      }
    }
  }

  pendingIn(channelId, rootId = null) {
    return [...this.pending.values()].filter(p => p.channelId === channelId && (p.threadRootId ?? null) === rootId);
  }

  // ---- people, presence, typing

  addUsers(list) {
    for (const u of list) this.users.set(u.id, u);
    this.usersRev++;
    this.changed('users');
  }

  nameOf(userId) {
    const u = this.users.get(userId);
    return u ? u.displayName || u.username : '…';
  }

  setPresence(userId, status) {
    this.presence.set(userId, status);
    this.changed('presence');
  }

  typingStarted(channelId, rootId, userId) {
    if (userId === this.me?.id) return;
    const key = `${channelId}/${rootId ?? ''}`;
    const who = this.typing.get(key) ?? new Map();
    who.set(userId, Date.now() + TYPING_SHOWN_MS);
    this.typing.set(key, who);
    this.changed('typing', channelId, rootId ?? '');
    setTimeout(() => this.changed('typing', channelId, rootId ?? ''), TYPING_SHOWN_MS + 50);
  }

  /** A message from someone ends their typing. */
  typingStopped(channelId, rootId, userId) {
    this.typing.get(`${channelId}/${rootId ?? ''}`)?.delete(userId);
  }

  typers(channelId, rootId = null) {
    const who = this.typing.get(`${channelId}/${rootId ?? ''}`);
    if (!who) return [];
    const now = Date.now();
    return [...who].filter(([, until]) => until > now).map(([userId]) => userId);
  }

  /** The other person of a direct message (or the people of a group), as known from its members. */
  dmPartners(ch) {
    return (ch.members ?? []).filter(u => u !== this.me?.id);
  }

  displayName(ch) {
    if (ch.kind === 'direct' || ch.kind === 'group') {
      const others = this.dmPartners(ch);
      if (others.length === 0) return ch.members ? this.me?.displayName ?? 'me' : '…';
      return others.map(u => this.nameOf(u)).join(', ');
    }
    return ch.name;
  }
}

/** Inserts a message id into a list kept in seq order (appending is the common case). */
function insertBySeq(ids, message, messages) {
  if (ids.includes(message.id)) return;
  let i = ids.length;
  while (i > 0 && messages.get(ids[i - 1]).seq > message.seq) i--;
  ids.splice(i, 0, message.id);
}
