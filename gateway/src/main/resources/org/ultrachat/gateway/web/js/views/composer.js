// A message box: Enter sends, Shift+Enter starts a new line, ArrowUp in an empty box edits my last
// message, `@` offers people to mention (a listbox driven from the keyboard), typing is signalled.
import { h, autoGrow, byId } from '../dom.js';

const TYPING_EVERY_MS = 3000;
const MENTION_AT_CARET = /(^|\s)@([a-z0-9._-]{0,32})$/i;

export class Composer {
  #choices = [];
  #selected = 0;
  #lastTyping = 0;
  #query = 0;

  /**
   * @param {HTMLFormElement} form
   * @param {HTMLTextAreaElement} input
   * @param {{send: (body: string) => void, typing: () => void, editLast: () => void,
   *          people: (prefix: string) => Promise<Array<{username: string, displayName: string}>>}} hooks
   */
  constructor(form, input, hooks) {
    this.form = form;
    this.input = input;
    this.hooks = hooks;
    this.popup = byId('mention-popup');
    input.classList.add('composer-input');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'mention-popup');
    form.addEventListener('submit', e => {
      e.preventDefault();
      this.#submit();
    });
    input.addEventListener('keydown', e => this.#keydown(e));
    input.addEventListener('input', () => this.#changed());
    input.addEventListener('blur', () => setTimeout(() => {
      if (document.activeElement !== input) this.#closePopup();
    }, 150));
  }

  focus() {
    this.input.focus();
  }

  clear() {
    this.input.value = '';
    autoGrow(this.input);
    this.#closePopup();
  }

  #submit() {
    const body = this.input.value.trim();
    if (!body) return;
    this.hooks.send(body);
    this.clear();
    this.input.focus();
  }

  #keydown(e) {
    if (this.#isOpen()) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.#choices.length;
        this.#select((this.#selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        this.#choose(this.#selected);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.#closePopup();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.#submit();
    } else if (e.key === 'ArrowUp' && this.input.value === '') {
      e.preventDefault();
      this.hooks.editLast();
    }
  }

  #changed() {
    autoGrow(this.input);
    const now = Date.now();
    if (this.input.value.trim() && now - this.#lastTyping > TYPING_EVERY_MS) {
      this.#lastTyping = now;
      this.hooks.typing();
    }
    const before = this.input.value.slice(0, this.input.selectionStart);
    const m = before.match(MENTION_AT_CARET);
    if (!m) {
      this.#closePopup();
      return;
    }
    const query = ++this.#query;
    this.hooks.people(m[2].toLowerCase()).then(list => {
      if (query !== this.#query) return;
      this.#open(list.slice(0, 8));
    }).catch(() => this.#closePopup());
  }

  #open(list) {
    this.#choices = list;
    if (list.length === 0) {
      this.#closePopup();
      return;
    }
    this.popup.replaceChildren(...list.map((u, i) => h('li', {
      id: `mention-option-${i}`, role: 'option', 'aria-selected': 'false',
      onmousedown: e => { e.preventDefault(); this.#choose(i); },
    }, `@${u.username}`, h('span', { class: 'muted' }, u.displayName ?? ''))));
    const box = this.input.getBoundingClientRect();
    this.popup.dataset.owner = this.input.id;
    this.popup.hidden = false;
    this.popup.style.left = `${Math.max(4, box.left)}px`;
    this.popup.style.top = `${Math.max(4, box.top - this.popup.offsetHeight - 4)}px`;
    this.input.setAttribute('aria-expanded', 'true');
    this.#select(0);
  }

  #select(i) {
    this.#selected = i;
    [...this.popup.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    this.input.setAttribute('aria-activedescendant', `mention-option-${i}`);
  }

  #choose(i) {
    const user = this.#choices[i];
    if (!user) return;
    const caret = this.input.selectionStart;
    const before = this.input.value.slice(0, caret).replace(/@([a-z0-9._-]*)$/i, `@${user.username} `);
    this.input.value = before + this.input.value.slice(caret);
    this.input.setSelectionRange(before.length, before.length);
    this.#closePopup();
    this.input.focus();
  }

  #isOpen() {
    return !this.popup.hidden && this.popup.dataset.owner === this.input.id && this.#choices.length > 0;
  }

  #closePopup() {
    if (this.popup.dataset.owner === this.input.id || this.popup.hidden) {
      this.popup.hidden = true;
      this.popup.replaceChildren();
    }
    this.#choices = [];
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
