// Wires the client together: session → REST client and real-time connection → store → views.
import { Session, SessionEnded } from './session.js';
import { Api } from './api.js';
import { Realtime } from './realtime.js';
import { Store } from './store.js';
import { byId } from './dom.js';
import { LoginView } from './views/login.js';
import { Sidebar } from './views/sidebar.js';
import { Conversation } from './views/conversation.js';
import { ThreadPanel, showSearch, closePanel, panelOpen } from './views/panels.js';
import { browseChannels, createChannel, newDirectMessage } from './views/dialogs.js';

const session = new Session();
const api = new Api(session);
const store = new Store();
const realtime = new Realtime(session, () => store.resumePoints());
const login = new LoginView(session);
let views = null;

// ---- people: names are looked up in batches, once each
const wanted = new Set();
let lookup = 0;
function needUsers(ids) {
  for (const id of ids) if (id && !store.users.has(id) && !id.startsWith('@')) wanted.add(id);
  if (wanted.size === 0 || lookup) return;
  lookup = setTimeout(async () => {
    const batch = [...wanted].slice(0, 100);
    batch.forEach(id => wanted.delete(id));
    try {
      store.addUsers(await api.usersByIds(batch));
    } catch {
      // Shown as "…" until the next attempt.
    }
    lookup = 0;
    if (wanted.size) needUsers([]);
  }, 0);
}

/** Loads the names of these users now (for views that render once). */
async function resolveUsers(ids) {
  const unknown = [...new Set(ids)].filter(id => !store.users.has(id)).slice(0, 100);
  if (unknown.length) store.addUsers(await api.usersByIds(unknown));
}

async function people(channelId, prefix) {
  const ch = store.channels.get(channelId);
  if (ch && !ch.members) await loadMembers(channelId);
  const members = (store.channels.get(channelId)?.members ?? []).map(id => store.users.get(id)).filter(Boolean);
  const found = members.filter(u => u.id !== store.me.id && u.username.startsWith(prefix));
  const special = ['channel', 'here', 'everyone'].filter(n => n.startsWith(prefix))
    .map(n => ({ id: `@${n}`, username: n, displayName: 'notify everyone here' }));
  return [...found, ...special];
}

async function loadMembers(channelId) {
  const members = await api.members(channelId);
  const ch = store.channels.get(channelId);
  if (!ch) return;
  ch.members = members.map(m => m.userId);
  needUsers(ch.members);
  store.changed('members', channelId);
  watchPresence();
}

function watchPresence() {
  const ids = new Set();
  for (const ch of store.channels.values()) {
    if (ch.kind === 'direct' || ch.kind === 'group' || ch.id === store.activeChannel) {
      for (const u of ch.members ?? []) if (u !== store.me.id) ids.add(u);
    }
  }
  realtime.watch([...ids]);
}

/** A client id for a send: random, so a retry of it (and only a retry) is recognised. */
function newClientId() {
  // getRandomValues, unlike randomUUID, exists outside secure contexts too (plain http on a LAN).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${[...bytes].map(b => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---- actions the views call
const actions = {
  needUsers,
  people,
  send(channelId, body, threadRootId) {
    const clientId = newClientId();
    store.addPending({ clientId, channelId, body, threadRootId });
    realtime.sendMessage({ clientId, channelId, body, threadRootId });
  },
  typing(channelId, threadRootId) {
    realtime.typing(channelId, threadRootId);
  },
  retry(p) {
    store.pending.delete(p.clientId);
    actions.send(p.channelId, p.body, p.threadRootId);
  },
  discard(p) {
    realtime.discard(p.clientId);
    store.pending.delete(p.clientId);
    store.changed(p.threadRootId ? 'thread' : 'timeline', p.channelId, p.threadRootId ?? '');
  },
  openThread(m) {
    views.thread.open(m);
  },
  toggleReaction(m, emoji) {
    actions.react(m, emoji).catch(e => alert(`The reaction did not go through: ${e.message}`));
  },
  async react(m, emoji) {
    const mine = store.myReactions.get(m.id)?.has(emoji) ?? false;
    const after = await api.react(m.channelId, m.id, emoji, !mine);
    // Reactions from before this page load are not known here: an add that changed nothing was mine already.
    if (!mine && (after.reactions?.[emoji] ?? 0) === (m.reactions?.[emoji] ?? 0)) {
      store.noteMyReaction(m.id, emoji, true);
      await api.react(m.channelId, m.id, emoji, false);
      store.noteMyReaction(m.id, emoji, false);
    } else {
      store.noteMyReaction(m.id, emoji, !mine);
    }
  },
  async edit(m, body) {
    await api.edit(m.channelId, m.id, body);
  },
  async remove(m) {
    await api.remove(m.channelId, m.id);
  },
};

// ---- opening conversations
async function openChannel(channelId) {
  if (!store.channels.has(channelId)) return;
  store.activeChannel = channelId;
  if (location.hash !== `#/c/${channelId}`) history.replaceState(null, '', `#/c/${channelId}`);
  byId('app-view').classList.remove('sidebar-open');
  if (panelOpen('thread') && views.thread.channelId !== channelId) closePanel();
  store.changed('active', channelId);
  const ch = store.channels.get(channelId);
  if (!ch.members) loadMembers(channelId).catch(() => {});
  else watchPresence();
  await views.conversation.open(channelId);
}

async function openDirect(user) {
  const ch = await api.openDirect(user.id);
  if (!store.channels.has(ch.id)) store.upsertChannel({ ...ch, unread: 0, mentions: 0, lastReadSeq: ch.lastSeq });
  await loadMembers(ch.id).catch(() => {});
  await openChannel(ch.id);
}

async function jumpTo(m) {
  await openChannel(m.channelId);
  if (m.threadRootId) {
    const root = store.messages.get(m.threadRootId) ?? { id: m.threadRootId, channelId: m.channelId };
    await views.thread.open(root);
  } else {
    await views.conversation.reveal(m.id);
  }
}

async function refreshChannels() {
  const requestedAt = Date.now();
  const list = await api.myChannels();
  store.setChannels(list, requestedAt);
  for (const ch of store.channels.values()) {
    if ((ch.kind === 'direct' || ch.kind === 'group') && !ch.members) loadMembers(ch.id).catch(() => {});
  }
  if (store.activeChannel && !store.channels.has(store.activeChannel)) {
    store.activeChannel = '';
    views.conversation.close();
  }
}

// ---- the real-time connection feeds the store
let helloCount = 0;
realtime.addEventListener('hello', e => {
  store.hello(e.detail.channels ?? []);
  // After a reconnect the channel list may have changed (joined or left elsewhere, counts).
  if (helloCount++ > 0) refreshChannels().catch(() => {});
});
realtime.addEventListener('event', e => {
  const ev = e.detail;
  if (store.applyEvent(ev) && ev.message) needUsers([ev.message.senderId]);
});
realtime.addEventListener('subscribed', async e => {
  const { channelId, lastSeq } = e.detail;
  store.follow(channelId, lastSeq);
  if (!store.channels.has(channelId)) await addChannel();
});
store.addEventListener('change', e => {
  if (e.detail.what === 'joined' && !store.channels.has(e.detail.channelId)) addChannel();
});
realtime.addEventListener('resync', async e => {
  const { channelId, lastSeq } = e.detail;
  store.follow(channelId, lastSeq);
  store.timelines.delete(channelId);
  if (store.activeChannel === channelId) await views.conversation.open(channelId);
  realtime.resumeChannel(channelId, lastSeq);
});
realtime.addEventListener('acked', e => store.acked(e.detail.clientId));
realtime.addEventListener('send-failed', e => store.failed(e.detail.clientId, e.detail.detail));
realtime.addEventListener('typing', e => {
  store.typingStarted(e.detail.channelId, e.detail.threadRootId, e.detail.userId);
  needUsers([e.detail.userId]);
});
realtime.addEventListener('presence', e => store.setPresence(e.detail.userId, e.detail.status));
realtime.addEventListener('state', () => showConnection());
// Any REST call finds out whether the session still stands (a 401 refreshes once, then ends it).
realtime.addEventListener('open-failed', () => api.get('/v1/me').catch(() => {}));

/** A channel I was added to (or joined elsewhere): the list brings it with its counts. */
async function addChannel() {
  try {
    await refreshChannels();
  } catch {
    // The next reconnect refreshes the list again.
  }
}

// ---- connection status
let countdown = 0;
function showConnection() {
  const box = byId('connection-status');
  const text = byId('connection-text');
  const state = realtime.state;
  box.dataset.state = state;
  clearInterval(countdown);
  box.classList.toggle('offline', state === 'offline');
  byId('reconnect-now').hidden = state !== 'offline';
  if (state === 'online') {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  if (state === 'offline') {
    const tick = () => {
      const s = Math.max(0, Math.ceil((realtime.retryAt - Date.now()) / 1000));
      text.textContent = navigator.onLine === false ? 'You are offline. Waiting for the network…'
        : `Connection lost. Reconnecting${s > 0 ? ` in ${s} s` : ''}…`;
    };
    tick();
    countdown = setInterval(tick, 1000);
  } else {
    text.textContent = state === 'syncing' ? 'Catching up…' : 'Connecting…';
  }
}

// ---- start and end
async function startApp() {
  login.hide();
  store.me = session.user;
  byId('me-name').textContent = `${session.user.displayName} (@${session.user.username})`;
  byId('app-view').hidden = false;
  buildViews();
  realtime.start();
  try {
    await refreshChannels();
  } catch (e) {
    if (e instanceof SessionEnded) return;
  }
  const fromHash = location.hash.match(/^#\/c\/([0-9a-f-]{36})$/)?.[1];
  const first = fromHash && store.channels.has(fromHash) ? fromHash : '';
  if (first) await openChannel(first);
}

function buildViews() {
  views = {
    sidebar: new Sidebar(store, openChannel),
    conversation: new Conversation(store, api, actions),
    thread: new ThreadPanel(store, api, actions),
  };
  views.sidebar.render();
  byId('browse-channels').addEventListener('click', () => browseChannels(api, store, openChannel));
  byId('new-channel').addEventListener('click', () => createChannel(api, store, openChannel));
  byId('new-dm').addEventListener('click', () => newDirectMessage(api, store, openDirect));
  byId('logout').addEventListener('click', () => session.logout());
  byId('side-panel-close').addEventListener('click', () => closePanel());
  byId('sidebar-open').addEventListener('click', () => byId('app-view').classList.add('sidebar-open'));
  byId('sidebar-close').addEventListener('click', () => byId('app-view').classList.remove('sidebar-open'));
  byId('reconnect-now').addEventListener('click', () => realtime.retryNow());
  byId('leave-channel').addEventListener('click', async () => {
    const id = store.activeChannel;
    const ch = store.channels.get(id);
    if (!ch || !confirm(`Leave ${store.displayName(ch)}?`)) return;
    await api.leave(id);
    store.removeChannel(id);
    store.activeChannel = '';
    views.conversation.close();
  });
  byId('search-form').addEventListener('submit', e => {
    e.preventDefault();
    const q = byId('search-input').value.trim();
    if (q) showSearch(api, store, q, jumpTo, resolveUsers);
  });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && !e.defaultPrevented && !byId('side-panel').hidden && !byId('dialog').open) closePanel();
  });
}

// Signing out (or a session that ended) reloads the page: nothing of the last user stays in memory.
session.addEventListener('ended', e => {
  realtime.stop();
  history.replaceState(null, '', `${location.pathname}${e.detail.reason === 'expired' ? '#session-ended' : ''}`);
  location.reload();
});
login.onSignedIn = () => startApp();

(async () => {
  let restored = false;
  try {
    restored = await session.restore();
  } catch {
    restored = false;
  }
  if (restored) {
    await startApp();
  } else {
    login.show(location.hash === '#session-ended' ? 'Your session ended. Please sign in again.' : '');
    if (location.hash === '#session-ended') history.replaceState(null, '', location.pathname);
  }
})();
