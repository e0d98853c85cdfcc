// The login session. The access token lives in this module's memory only (never in web storage,
// where any script on the origin could read it); the refresh token is an HttpOnly cookie (uc_refresh) the page cannot read,
// spent by POST /v1/auth/refresh with the readable uc_csrf cookie echoed in X-CSRF-Token.

const CSRF_COOKIE = 'uc_csrf';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** When a refresh fails for a reason other than a dead session (network, 5xx), try again after this. */
const RETRY_MS = 15 * 1000;

/** The session is over (logged out, revoked or expired): the user must sign in again. */
export class SessionEnded extends Error {}

/** An answer from the server that is not a success, with its problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || (status ? `HTTP ${status}` : 'the server cannot be reached'));
    this.status = status;
    this.problem = problem ?? {};
  }
}

export function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return '';
}

/** Events: `token` (a new access token), `ended` ({detail: {reason}}). */
export class Session extends EventTarget {
  #token = '';
  #expiresAt = 0;
  #user = null;
  #timer = 0;
  #refreshing = null;

  get user() { return this.#user; }
  get token() { return this.#token; }
  get active() { return this.#token !== ''; }

  async login(username, password) {
    const data = await postJson('/v1/auth/login', { username, password, client: 'browser' });
    this.#adopt(data);
  }

  async register(username, password, displayName) {
    const body = { username, password };
    if (displayName) body.displayName = displayName;
    await postJson('/v1/auth/register', body);
    await this.login(username, password);
  }

  /** After a page load: a session cookie from an earlier visit is spent for a fresh access token. */
  async restore() {
    if (!readCookie(CSRF_COOKIE)) return false;
    try {
      await this.refresh();
      return true;
    } catch (e) {
      if (e instanceof SessionEnded) return false;
      throw e;
    }
  }

  /** @returns a token that is valid now, refreshing first when it is about to expire */
  async freshToken() {
    if (!this.#token) throw new SessionEnded('not signed in');
    if (Date.now() > this.#expiresAt - 30_000) await this.refresh();
    return this.#token;
  }

  /** One refresh at a time in this tab, and (where Web Locks exist) across tabs: a refresh token is single-use. */
  refresh() {
    if (!this.#refreshing) {
      const run = () => this.#refreshOnce();
      const locked = navigator.locks ? navigator.locks.request('ultrachat-refresh', run) : run();
      this.#refreshing = locked.finally(() => { this.#refreshing = null; });
    }
    return this.#refreshing;
  }

  async #refreshOnce() {
    // Read inside the lock: another tab may just have rotated both cookies.
    const csrf = readCookie(CSRF_COOKIE);
    if (!csrf) {
      this.#end('expired');
      throw new SessionEnded('no session cookie');
    }
    let res;
    try {
      res = await fetch('/v1/auth/refresh', { method: 'POST', headers: { 'X-CSRF-Token': csrf },
        credentials: 'same-origin', cache: 'no-store' });
    } catch {
      this.#schedule(RETRY_MS);
      throw new ApiError(0);
    }
    if (res.status === 401 || res.status === 403) {
      this.#end('expired');
      throw new SessionEnded('the session ended');
    }
    if (!res.ok) {
      this.#schedule(RETRY_MS);
      throw new ApiError(res.status, await problem(res));
    }
    this.#adopt(await res.json());
  }

  async logout() {
    const token = this.#token;
    try {
      if (token) await fetch('/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` },
        credentials: 'same-origin' });
    } catch {
      // Offline: the token is forgotten here anyway, and it expires within the hour.
    }
    this.#end('logout');
  }

  #adopt(data) {
    this.#token = data.accessToken;
    this.#user = data.user;
    const lifetime = data.expiresIn * 1000;
    this.#expiresAt = Date.now() + lifetime;
    // Jitter, so that many tabs of one user do not all refresh in the same second.
    this.#schedule(Math.max(10_000, lifetime - REFRESH_MARGIN_MS - Math.random() * 60_000));
    this.dispatchEvent(new CustomEvent('token', { detail: { token: this.#token } }));
  }

  #schedule(delay) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.refresh().catch(() => {}), delay);
  }

  #end(reason) {
    const was = this.#token !== '' || reason !== 'expired';
    clearTimeout(this.#timer);
    this.#token = '';
    this.#user = null;
    this.#expiresAt = 0;
    if (was) this.dispatchEvent(new CustomEvent('ended', { detail: { reason } }));
  }
}

async function postJson(path, body) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0);
  }
  if (!res.ok) throw new ApiError(res.status, await problem(res));
  return res.status === 204 ? null : res.json();
}

async function problem(res) {
  try {
    return await res.json();
  } catch {
    return {};
  }
}
