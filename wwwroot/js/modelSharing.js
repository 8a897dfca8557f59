// The owner's "Who can see it" panel of a model card: private, shared with classes, unlisted link (copy, rotate,
// revoke) or public. card: { model, canEdit, classes() (the owner's classes, loaded once), refresh() }.

import { ApiError, fieldErrors, problemText } from './http.js';
import { h } from './dom.js';
import { sharingApi } from './sharingApi.js';
import { problemNotice, visibilityLabel } from './sharingUi.js';

const VISIBILITIES = [
  { value: 'Private', label: 'Private', hint: 'only you' },
  { value: 'Class', label: 'Shared with my classes', hint: 'members of the classes you tick' },
  { value: 'Unlisted', label: 'Unlisted link', hint: 'anyone who has the link, even without an account' },
  { value: 'Public', label: 'Public', hint: 'every signed-in user of this server' },
];

export async function renderSharingPanel(section, card) {
  const model = card.model;
  section.hidden = !card.canEdit;
  if (!card.canEdit) return;
  const heading = h('h2', { id: 'model-sharing-heading', class: 'card__title' }, 'Who can see it');
  section.replaceChildren(heading, h('p', { class: 'muted', role: 'status' }, 'Loading your classes…'));
  const classes = await card.classes();
  if (card.model !== model) return; // another model was opened meanwhile
  const sharedWith = new Set((model.classIds ?? []).map((id) => String(id).toLowerCase()));

  const radios = VISIBILITIES.map((v) => h('input', {
    type: 'radio', name: 'model-visibility', id: `visibility-${v.value.toLowerCase()}`, value: v.value,
    checked: (model.visibility ?? 'Private') === v.value, dataset: { testid: `visibility-${v.value.toLowerCase()}` },
  }));
  const boxes = classes.map((c) => h('input', {
    type: 'checkbox', id: `visibility-class-${c.id}`, value: c.id, checked: sharedWith.has(String(c.id).toLowerCase()),
    dataset: { testid: 'visibility-class-box', className: c.name },
  }));
  const classError = h('p', { class: 'field__error', id: 'visibility-classes-error', role: 'alert', dataset: { testid: 'visibility-classes-error' } });
  const classList = h('fieldset', { class: 'field visibility-classes', 'aria-describedby': 'visibility-classes-error' },
    h('legend', {}, 'Classes'),
    classes.length === 0
      ? h('p', { class: 'hint' }, 'You are in no class yet. ', h('a', { href: '#/classes' }, 'Create a class or join one'), ' first.')
      : boxes.map((box, i) => h('label', { class: 'check', for: box.id }, box,
        classes[i].name, h('span', { class: 'muted small' }, ` · ${classes[i].role === 'instructor' ? 'you teach it' : `taught by ${classes[i].instructor ?? '?'}`}`))),
    classError);
  const syncClassList = () => { classList.hidden = !radios.find((r) => r.value === 'Class')?.checked; };
  for (const radio of radios) radio.addEventListener('change', syncClassList);
  syncClassList();

  const save = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'visibility-save' } }, 'Save visibility');
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'visibility-status' } });
  const summary = h('div', { hidden: true });
  const visibilityError = h('p', { class: 'field__error', id: 'visibility-error', role: 'alert', dataset: { testid: 'visibility-error' } });
  const form = h('form', { novalidate: true },
    h('fieldset', { class: 'field choice', 'aria-describedby': 'visibility-error' },
      h('legend', {}, 'Visibility'),
      radios.map((radio, i) => h('label', { class: 'choice__option', for: radio.id }, radio,
        h('span', {}, VISIBILITIES[i].label, h('span', { class: 'muted' }, ` — ${VISIBILITIES[i].hint}`)))),
      visibilityError),
    classList,
    summary,
    h('div', { class: 'form-actions' }, save, status));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const visibility = radios.find((r) => r.checked)?.value ?? 'Private';
    const classIds = visibility === 'Class' ? boxes.filter((b) => b.checked).map((b) => b.value) : [];
    classError.textContent = '';
    visibilityError.textContent = '';
    summary.hidden = true;
    for (const box of boxes) box.removeAttribute('aria-invalid');
    if (visibility === 'Class' && classIds.length === 0) {
      classError.textContent = classes.length === 0 ? 'Join or create a class first.' : 'Tick at least one class.';
      (boxes[0] ?? radios[1]).focus();
      return;
    }
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      await sharingApi.setVisibility(model.id, visibility, classIds);
      await card.refresh();
      section.querySelector('[data-testid=visibility-status]').textContent = `Saved: ${visibilityLabel(card.model.visibility)}.`;
    } catch (error) {
      status.textContent = '';
      // classIds[i] errors name the box at index i of what was sent.
      const indexed = Object.keys(error instanceof ApiError ? error.errors ?? {} : {}).map((k) => /^classIds\[(\d+)\]$/i.exec(k)?.[1]).filter(Boolean).map(Number);
      for (const i of indexed) boxes.find((b) => b.value === classIds[i])?.setAttribute('aria-invalid', 'true');
      classError.textContent = fieldErrors(error, 'classIds');
      visibilityError.textContent = fieldErrors(error, 'visibility');
      if (!classError.textContent && !visibilityError.textContent) {
        summary.replaceChildren(problemNotice(error, 'visibility-problem'));
        summary.hidden = false;
      }
    } finally {
      save.disabled = false;
    }
  });

  section.replaceChildren(...[heading, form, model.visibility === 'Unlisted' ? linkBlock(section, card) : null].filter(Boolean));
}

function shareUrl(token) {
  return new URL(`#/shared/${encodeURIComponent(token)}`, location.href.split('#')[0]).href;
}

function linkBlock(section, card) {
  const model = card.model;
  const link = h('input', { id: 'share-link', type: 'text', readonly: true, value: model.shareToken ? shareUrl(model.shareToken) : '', dataset: { testid: 'share-link' } });
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'share-link-status' } });
  const copy = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'share-link-copy' } }, 'Copy link');
  const rotate = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'share-link-rotate' } }, 'New link');
  const revoke = h('button', { type: 'button', class: 'button button--danger', dataset: { testid: 'share-link-revoke' } }, 'Revoke link');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link.value);
    } catch {
      link.select();
      document.execCommand('copy');
    }
    status.textContent = 'Link copied to the clipboard.';
  });
  const act = async (button, action, done) => {
    button.disabled = true;
    status.textContent = 'Working…';
    try {
      await action();
      await card.refresh();
      const sharing = section;
      (sharing.querySelector('[data-testid=share-link-status]') ?? sharing.querySelector('[data-testid=visibility-status]')).textContent = done;
    } catch (error) {
      status.textContent = problemText(error);
      button.disabled = false;
    }
  };
  rotate.addEventListener('click', () => act(rotate, () => sharingApi.rotateShareLink(model.id), 'A new link replaces the old one; the old link no longer works.'));
  revoke.addEventListener('click', () => act(revoke, () => sharingApi.revokeShareLink(model.id), 'Link revoked: the model is private again.'));
  return h('div', { class: 'share-link', dataset: { testid: 'share-link-block' } },
    h('div', { class: 'field' },
      h('label', { for: 'share-link' }, 'Anyone with this link can see, try and download the model'),
      link),
    h('div', { class: 'form-actions' }, copy, rotate, revoke),
    status);
}
