// Small modal dialogs on the one <dialog> element: browse and join channels, create a channel,
// start a direct message. Escape closes them (the browser does), focus returns to the opener.
import { h, byId } from '../dom.js';

const NAME = /^[a-z0-9_-]{1,80}$/;

/**
 * Opens the dialog.
 * @param {{title: string, body: Node[], ok?: string, submit?: () => Promise<void>, focus?: HTMLElement}} spec
 */
export function openDialog({ title, body, ok, submit, focus }) {
  const dialog = byId('dialog');
  const opener = document.activeElement;
  byId('dialog-title').textContent = title;
  byId('dialog-body').replaceChildren(...body);
  const error = byId('dialog-error');
  error.textContent = '';
  const okButton = byId('dialog-ok');
  okButton.hidden = !submit;
  okButton.textContent = ok ?? 'OK';
  byId('dialog-cancel').textContent = submit ? 'Cancel' : 'Close';
  const form = byId('dialog-form');
  form.onsubmit = async e => {
    e.preventDefault();
    if (!submit) return;
    okButton.disabled = true;
    try {
      const then = await submit();
      dialog.close();
      // What follows (opening a conversation) may move the focus; the dialog gave it back first.
      if (typeof then === 'function') then();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      okButton.disabled = false;
    }
  };
  byId('dialog-cancel').onclick = () => dialog.close();
  dialog.onclose = () => {
    // Browsers return the focus to the opener themselves; this covers those that do not.
    if ((document.activeElement === document.body || dialog.contains(document.activeElement))
        && opener instanceof HTMLElement && opener.isConnected) opener.focus();
  };
  dialog.showModal();
  (focus ?? byId('dialog-body').querySelector('input, button') ?? okButton).focus();
  return { close: () => dialog.close(), setError: text => { error.textContent = text; } };
}

/** Public channels: join one, or open it when already a member. */
export async function browseChannels(api, store, open) {
  const list = h('ul', { class: 'pick-list', 'aria-label': 'Public channels' }, h('li', { class: 'muted' }, 'Loading…'));
  const dialog = openDialog({ title: 'Browse channels', body: [list] });
  let channels;
  try {
    channels = await api.browseChannels();
  } catch (e) {
    dialog.setError(e.message);
    return;
  }
  list.replaceChildren(...channels.map(c => {
    const member = store.channels.has(c.id);
    return h('li', { dataset: { channelName: c.name } },
      h('span', { class: 'grow' }, `# ${c.name}`, c.topic ? h('span', { class: 'topic' }, c.topic) : null),
      h('button', { type: 'button', class: member ? '' : 'primary', 'aria-label': `${member ? 'Open' : 'Join'} ${c.name}`,
        onclick: async () => {
          try {
            if (!member) {
              await api.join(c.id);
              store.upsertChannel({ ...c, unread: 0, mentions: 0, lastReadSeq: c.lastSeq });
            }
            dialog.close();
            open(c.id);
          } catch (e) {
            dialog.setError(e.message);
          }
        } }, member ? 'Open' : 'Join'));
  }));
  if (channels.length === 0) list.replaceChildren(h('li', { class: 'muted' }, 'No public channels yet.'));
}

export function createChannel(api, store, open) {
  const name = h('input', { id: 'new-channel-name', maxLength: 80, placeholder: 'e.g. release-planning',
    autocomplete: 'off', spellcheck: 'false' });
  const topic = h('input', { id: 'new-channel-topic', maxLength: 250 });
  const kind = h('select', { id: 'new-channel-kind' },
    h('option', { value: 'public' }, 'Public: anyone can find and join it'),
    h('option', { value: 'private' }, 'Private: members only'));
  openDialog({
    title: 'Create a channel', ok: 'Create', focus: name,
    body: [h('label', { for: 'new-channel-name' }, 'Name'), name,
      h('label', { for: 'new-channel-topic' }, 'Topic (optional)'), topic,
      h('label', { for: 'new-channel-kind' }, 'Who can see it'), kind],
    submit: async () => {
      const value = name.value.trim().toLowerCase().replace(/\s+/g, '-');
      if (!NAME.test(value)) throw new Error('Use 1 to 80 of a-z, 0-9, - and _.');
      const created = await api.createChannel(kind.value, value, topic.value.trim());
      store.upsertChannel({ ...created, unread: 0, mentions: 0, lastReadSeq: created.lastSeq });
      return () => open(created.id);
    },
  });
}

/** Finds a person by username and opens (or creates) the direct message with them. */
export function newDirectMessage(api, store, openDm) {
  const input = h('input', { id: 'dm-search', type: 'search', placeholder: 'Username', autocomplete: 'off',
    spellcheck: 'false', maxLength: 33 });
  const results = h('ul', { class: 'pick-list', id: 'dm-results', 'aria-label': 'People' });
  let query = 0;
  let timer = 0;
  const dialog = openDialog({
    title: 'Direct message', focus: input,
    body: [h('label', { for: 'dm-search' }, 'Who do you want to write to?'), input, results],
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const prefix = input.value.trim().replace(/^@/, '').toLowerCase();
    if (!prefix) {
      results.replaceChildren();
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++query;
      try {
        const users = (await api.findUsers(prefix, 10)).filter(u => u.id !== store.me.id);
        if (mine !== query) return;
        store.addUsers(users);
        results.replaceChildren(...users.map(u => h('li', { dataset: { username: u.username } },
          h('span', { class: 'grow' }, u.displayName, h('span', { class: 'topic' }, `@${u.username}`)),
          h('button', { type: 'button', class: 'primary', 'aria-label': `Message ${u.username}`, onclick: () => {
            dialog.close();
            openDm(u).catch(e => alert(`The conversation could not be opened: ${e.message}`));
          } }, 'Message'))));
        if (users.length === 0) results.replaceChildren(h('li', { class: 'muted' }, 'Nobody by that name.'));
      } catch (e) {
        dialog.setError(e.message);
      }
    }, 150);
  });
}
