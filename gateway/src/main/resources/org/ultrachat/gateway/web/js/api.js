// The REST client: every call carries the in-memory access token; a 401 refreshes once and retries.
import { ApiError, SessionEnded } from './session.js';

export class Api {
  /** @param {import('./session.js').Session} session */
  constructor(session) {
    this.session = session;
  }

  async request(method, path, body, retried = false) {
    const token = await this.session.freshToken();
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin', cache: 'no-store' });
    } catch {
      throw new ApiError(0);
    }
    if (res.status === 401 && !retried) {
      await this.session.refresh();
      return this.request(method, path, body, true);
    }
    if (res.status === 401) throw new SessionEnded('the server refused the session');
    if (res.status === 204) return null;
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  get(path) { return this.request('GET', path); }
  post(path, body = {}) { return this.request('POST', path, body); }

  // ---- channels
  myChannels() { return this.get('/v1/channels?scope=mine').then(r => r.channels); }
  browseChannels() { return this.get('/v1/channels?scope=browse&limit=100').then(r => r.channels); }
  channel(id) { return this.get(`/v1/channels/${id}`); }
  createChannel(kind, name, topic) { return this.post('/v1/channels', { kind, name, topic }); }
  openDirect(userId) { return this.post('/v1/channels/direct', { userId }); }
  join(id) { return this.post(`/v1/channels/${id}/join`); }
  leave(id) { return this.post(`/v1/channels/${id}/leave`); }
  members(id) { return this.get(`/v1/channels/${id}/members`).then(r => r.members); }
  markRead(id, seq) { return this.post(`/v1/channels/${id}/read`, { seq }); }

  // ---- messages
  history(id, { before, limit = 50 } = {}) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined) q.set('before', String(before));
    return this.get(`/v1/channels/${id}/messages?${q}`).then(r => r.messages);
  }
  thread(channelId, rootId, after = 0) {
    return this.get(`/v1/channels/${channelId}/messages/${rootId}/thread?after=${after}&limit=100`).then(r => r.messages);
  }
  edit(channelId, messageId, body) { return this.request('PATCH', `/v1/channels/${channelId}/messages/${messageId}`, { body }); }
  remove(channelId, messageId) { return this.request('DELETE', `/v1/channels/${channelId}/messages/${messageId}`); }
  react(channelId, messageId, emoji, add) {
    return this.request(add ? 'PUT' : 'DELETE', `/v1/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`);
  }
  search(q, before) {
    const p = new URLSearchParams({ q, limit: '30' });
    if (before) p.set('before', before);
    return this.get(`/v1/search?${p}`);
  }

  // ---- people
  usersByIds(ids) { return this.get(`/v1/users?ids=${ids.map(encodeURIComponent).join(',')}`).then(r => r.users); }
  findUsers(prefix, limit = 8) {
    return this.get(`/v1/users?q=${encodeURIComponent(prefix)}&limit=${limit}`).then(r => r.users);
  }
}
