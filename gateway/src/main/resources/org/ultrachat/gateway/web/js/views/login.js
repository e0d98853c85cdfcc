// Sign in and create an account.
import { byId } from '../dom.js';

export class LoginView {
  #registering = false;

  /** @param {import('../session.js').Session} session */
  constructor(session) {
    this.session = session;
    byId('login-switch').addEventListener('click', () => this.#mode(!this.#registering));
    byId('login-form').addEventListener('submit', e => {
      e.preventDefault();
      this.#submit();
    });
  }

  show(message = '') {
    byId('app-view').hidden = true;
    byId('login-view').hidden = false;
    byId('login-error').textContent = message;
    byId('login-password').value = '';
    document.title = 'UltraChat';
    byId('login-username').focus();
  }

  hide() {
    byId('login-view').hidden = true;
  }

  #mode(registering) {
    this.#registering = registering;
    byId('display-name-row').hidden = !registering;
    byId('login-mode-text').textContent = registering ? 'Create your account' : 'Sign in to your team';
    byId('login-submit').textContent = registering ? 'Create account' : 'Sign in';
    byId('login-switch').textContent = registering ? 'Have an account? Sign in' : 'New here? Create an account';
    byId('login-password').autocomplete = registering ? 'new-password' : 'current-password';
    byId('login-error').textContent = '';
  }

  async #submit() {
    const username = byId('login-username').value.trim().toLowerCase();
    const password = byId('login-password').value;
    const error = byId('login-error');
    if (username.length < 2 || password.length < 8) {
      error.textContent = 'Enter your username and a password of at least 8 characters.';
      return;
    }
    const button = byId('login-submit');
    button.disabled = true;
    error.textContent = '';
    try {
      if (this.#registering) {
        await this.session.register(username, password, byId('login-display-name').value.trim());
      } else {
        await this.session.login(username, password);
      }
      this.onSignedIn?.();
    } catch (e) {
      error.textContent = e.status === 401 ? 'Wrong username or password.'
        : e.status === 429 ? 'Too many attempts. Wait a little and try again.'
          : e.status === 0 ? 'The server cannot be reached.' : e.message;
    } finally {
      button.disabled = false;
    }
  }
}
