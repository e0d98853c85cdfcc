// The real-time connection (docs/protocol.md): one WebSocket, `hello` then `resume` from the last
// seq held per channel, reconnects with exponential backoff and full jitter, and an outbox whose
// sends carry client ids, so a retry after a drop is stored and delivered once.
import { SessionEnded } from './session.js';

const PROTOCOL = 'ultrachat.v1';
const MAX_BACKOFF_MS = 30_000;
const BASE_BACKOFF_MS = 500;
/** Without any frame for heartbeat + this, the connection is taken for dead. */
const DEAD_AFTER_MS = 15_000;
/** A connection without its hello this long after opening is given up. */
const OPEN_TIMEOUT_MS = 15_000;

/**
 * States: `connecting`, `syncing` (hello seen, replay running), `online`, `offline` (waiting to retry).
 * Events: `state`, `hello`, `event` (a channel or personal event), `resync`, `subscribed`,
 * `typing`, `presence`, `acked` ({clientId, messageId}), `send-failed` ({clientId, detail}),
 * `open-failed` ({times}: connections in a row that closed before their hello).
 */
export class Realtime extends EventTarget {
  #session;
  #resumePoints;
  #ws = null;
  #state = 'offline';
  #attempt = 0;
  #retryTimer = 0;
  #openTimer = 0;
  #retryAt = 0;
  #advisedDelay = -1;
  #heartbeat = 0;
  #lastHeard = 0;
  #heartbeatMs = 25_000;
  #nextId = 1;
  #requests = new Map();
  #outbox = new Map();
  #resuming = new Set();
  #watched = [];
  #stopped = true;
  #failedOpens = 0;

  /**
   * @param {import('./session.js').Session} session
   * @param {() => Record<string, number>} resumePoints the last seq held per channel
   */
  constructor(session, resumePoints) {
    super();
    this.#session = session;
    this.#resumePoints = resumePoints;
    session.addEventListener('token', e => this.#sendNow({ type: 'auth', id: this.#id('a'), token: e.detail.token }));
    window.addEventListener('online', () => this.retryNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.#state === 'offline') this.retryNow();
      this.#sendNow({ type: 'presence', status: document.visibilityState === 'visible' ? 'online' : 'away' });
    });
  }

  get state() { return this.#state; }
  /** @returns when the next attempt is due (ms since the epoch), while offline */
  get retryAt() { return this.#retryAt; }

  start() {
    this.#stopped = false;
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#drop(1000);
    this.#outbox.clear();
    this.#setState('offline');
  }

  /** Skips the backoff wait (the network came back, the user asked). */
  retryNow() {
    if (this.#stopped || this.#state !== 'offline') return;
    clearTimeout(this.#retryTimer);
    this.#attempt = 0;
    this.#connect();
  }

  /** Queues a message; it is sent now or after the next resume, with the same client id every time. */
  sendMessage({ clientId, channelId, body, threadRootId }) {
    const entry = { clientId, frame: { type: 'send', channelId, clientId, body, threadRootId: threadRootId ?? null }, id: '' };
    this.#outbox.set(clientId, entry);
    if (this.#state === 'online' || this.#state === 'syncing') this.#transmit(entry);
  }

  /** Gives up on a queued message that has not been sent. */
  discard(clientId) {
    this.#outbox.delete(clientId);
  }

  typing(channelId, threadRootId) {
    if (this.#state === 'online') this.#sendNow({ type: 'typing', channelId, threadRootId: threadRootId ?? null });
  }

  /** Replaces the set of users whose presence this client follows (kept across reconnects). */
  watch(userIds) {
    this.#watched = [...new Set(userIds)].slice(0, 500);
    if (this.#state === 'online' || this.#state === 'syncing') this.#sendWatch();
  }

  /** Replays one channel again from a seq (after a `resync` and a reload of its history). */
  resumeChannel(channelId, seq) {
    this.#sendNow({ type: 'resume', id: this.#id('resume'), channels: { [channelId]: seq } });
  }

  /** Sends a frame that expects an answer; @returns a promise of it. */
  request(frame) {
    return new Promise((resolve, reject) => {
      if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) {
        reject(new Error('not connected'));
        return;
      }
      const id = this.#id('r');
      this.#requests.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  // ---- the connection

  async #connect() {
    if (this.#stopped) return;
    this.#setState('connecting');
    if (this.#failedOpens > 0 && this.#failedOpens % 4 === 0) {
      // A refused handshake (a revoked session) looks like any drop to a page: let the app check the session.
      this.#emit('open-failed', { times: this.#failedOpens });
    }
    let token;
    try {
      token = await this.#session.freshToken();
    } catch (e) {
      if (e instanceof SessionEnded) return;
      this.#scheduleRetry();
      return;
    }
    if (this.#stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}/v1/realtime`, [PROTOCOL, `bearer.${token}`]);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    this.#failedOpens++;
    clearTimeout(this.#openTimer);
    this.#openTimer = setTimeout(() => {
      // A handshake that hangs (packets dropped, not refused) is given up like a drop.
      if (ws === this.#ws && this.#state === 'connecting') {
        this.#drop();
        this.#scheduleRetry();
      }
    }, OPEN_TIMEOUT_MS);
    ws.onmessage = e => {
      if (ws !== this.#ws) return;
      this.#lastHeard = Date.now();
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      this.#onFrame(frame);
    };
    ws.onclose = e => {
      if (ws === this.#ws) this.#onClosed(e.code);
    };
  }

  #onFrame(f) {
    switch (f.type) {
      case 'hello': return this.#onHello(f);
      case 'event': return this.#emit('event', f.event);
      case 'resumed':
        this.#resumeAnswered(f.channelId);
        return;
      case 'resync':
        this.#emit('resync', f);
        this.#resumeAnswered(f.channelId);
        return;
      case 'ack': return this.#onAck(f);
      case 'error': return this.#onError(f);
      case 'subscribed':
        if (!f.id) this.#emit('subscribed', f);
        break;
      case 'typing': return this.#emit('typing', f);
      case 'presence': return this.#emit('presence', f);
      case 'presence.subscribed':
        for (const [userId, status] of Object.entries(f.statuses ?? {})) this.#emit('presence', { userId, status });
        break;
      case 'goaway':
        this.#advisedDelay = f.reconnectAfterMs ?? -1;
        return;
      default:
        break;
    }
    const pending = f.id && this.#requests.get(f.id);
    if (pending) {
      this.#requests.delete(f.id);
      pending.resolve(f);
    }
  }

  #onHello(hello) {
    clearTimeout(this.#openTimer);
    this.#attempt = 0;
    this.#failedOpens = 0;
    this.#heartbeatMs = hello.heartbeatMs || 25_000;
    this.#startHeartbeat();
    this.#emit('hello', hello);
    const points = this.#resumePoints();
    this.#resuming = new Set(Object.keys(points));
    this.#setState('syncing');
    this.#sendNow({ type: 'resume', id: this.#id('resume'), channels: points });
    if (this.#resuming.size === 0) this.#setState('online');
    const ws = this.#ws;
    setTimeout(() => {
      // Every channel answers its resume; should one not, the connection is still usable.
      if (ws === this.#ws && this.#state === 'syncing') this.#setState('online');
    }, OPEN_TIMEOUT_MS);
    this.#sendWatch();
    this.#sendNow({ type: 'presence', status: document.visibilityState === 'visible' ? 'online' : 'away' });
    for (const entry of this.#outbox.values()) this.#transmit(entry);
  }

  #resumeAnswered(channelId) {
    if (this.#resuming.delete(channelId) && this.#resuming.size === 0 && this.#state === 'syncing') {
      this.#setState('online');
    }
  }

  #onAck(f) {
    for (const [clientId, entry] of this.#outbox) {
      if (entry.id === f.id) {
        this.#outbox.delete(clientId);
        this.#emit('acked', { clientId, messageId: f.messageId, seq: f.seq, channelId: f.channelId });
        return;
      }
    }
  }

  #onError(f) {
    const pending = f.id && this.#requests.get(f.id);
    if (pending) {
      this.#requests.delete(f.id);
      pending.reject(Object.assign(new Error(f.detail || f.code), { frame: f }));
      return;
    }
    if (f.id && f.id.startsWith('resume')) {
      if (f.channelId) this.#resumeAnswered(f.channelId);
      return;
    }
    for (const [clientId, entry] of this.#outbox) {
      if (entry.id === f.id) {
        if (f.status === 429 || f.status >= 500) {
          // Load or a passing fault: the same client id again later cannot double the message.
          entry.id = '';
          setTimeout(() => {
            if (this.#outbox.has(clientId) && this.#state === 'online') this.#transmit(entry);
          }, f.retryAfterMs ?? 2000);
        } else {
          this.#outbox.delete(clientId);
          this.#emit('send-failed', { clientId, detail: f.detail || f.code });
        }
        return;
      }
    }
    if (f.code === 'rate_limited') {
      // Refused unread, so its id is unknown: resend everything not yet acked a little later.
      setTimeout(() => {
        if (this.#state === 'online') for (const entry of this.#outbox.values()) this.#transmit(entry);
      }, f.retryAfterMs ?? 1000);
    }
  }

  #onClosed(code) {
    this.#drop();
    if (this.#stopped) return;
    if (code === 4001) {
      // The credential is no longer valid: a refresh either brings a new one or ends the session.
      this.#setState('connecting');
      this.#session.refresh().then(() => this.#connect(), e => {
        if (!(e instanceof SessionEnded)) this.#scheduleRetry();
      });
      return;
    }
    this.#scheduleRetry();
  }

  /** Forgets the current socket: requests in flight fail, unacked sends go back to the outbox. */
  #drop(code = 4000) {
    clearInterval(this.#heartbeat);
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onmessage = null;
      ws.onclose = null;
      try {
        ws.close(code === 1000 ? 1000 : 4000);
      } catch {
        // already closing
      }
    }
    for (const pending of this.#requests.values()) pending.reject(new Error('connection lost'));
    this.#requests.clear();
    for (const entry of this.#outbox.values()) entry.id = '';
    this.#resuming.clear();
  }

  #scheduleRetry() {
    if (this.#stopped) return;
    const delay = this.#advisedDelay >= 0 ? this.#advisedDelay
      : Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** this.#attempt);
    this.#advisedDelay = -1;
    this.#attempt++;
    this.#retryAt = Date.now() + delay;
    this.#setState('offline');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #startHeartbeat() {
    clearInterval(this.#heartbeat);
    this.#lastHeard = Date.now();
    let lastPing = Date.now();
    this.#heartbeat = setInterval(() => {
      const now = Date.now();
      if (now - this.#lastHeard > this.#heartbeatMs + DEAD_AFTER_MS) {
        // Nothing heard, not even a pong: the network is gone without a close. Do not wait for TCP.
        this.#drop();
        this.#scheduleRetry();
        return;
      }
      if (now - lastPing >= this.#heartbeatMs) {
        lastPing = now;
        this.#sendNow({ type: 'ping', id: this.#id('k') });
      }
    }, 1000);
  }

  #transmit(entry) {
    entry.id = this.#id('s');
    this.#sendNow({ ...entry.frame, id: entry.id });
  }

  #sendWatch() {
    if (this.#watched.length > 0 && this.#session.user?.role !== 'guest') {
      this.#sendNow({ type: 'presence.subscribe', id: this.#id('p'), userIds: this.#watched });
    }
  }

  #sendNow(frame) {
    if (this.#ws && this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  #id(prefix) {
    return `${prefix}${this.#nextId++}`;
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit('state', { state });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
