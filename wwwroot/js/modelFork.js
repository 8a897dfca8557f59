// A model card's "Build on it" panel: start a job of one's own from the model's weights (continue training,
// use as a DBN's first layer, fine-tune — whatever the kind allows).

import { fieldErrors } from './http.js';
import { h } from './dom.js';
import { kindOf } from './kinds.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, problemNotice, showFieldError } from './sharingUi.js';

/** The "Build on it" panel: fork modes of the kind; hidden for shared links and kinds without any. */
export function renderForkPanel(section, model, { shared }) {
  const modes = kindOf(model.kind).forkModes;
  section.hidden = shared || modes.length === 0;
  if (section.hidden) return;
  const name = h('input', { id: 'fork-name', type: 'text', maxlength: '200', placeholder: `${model.name || 'model'} (fork)`, dataset: { testid: 'fork-name' } });
  const nameError = errorFor(name, 'fork-name-error');
  const epochs = h('input', { id: 'fork-epochs', type: 'number', inputmode: 'numeric', min: '1', max: '1000', step: '1', value: '5', dataset: { testid: 'fork-epochs' } });
  const epochsError = errorFor(epochs, 'fork-epochs-error');
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'fork-status' } });
  const modeError = h('div', { hidden: true });
  const buttons = modes.map((m) => {
    const button = h('button', { type: 'button', class: 'button button--secondary', title: m.hint, dataset: { testid: `fork-${m.mode}` } }, m.label);
    button.addEventListener('click', async () => {
      showFieldError(name, nameError, '');
      showFieldError(epochs, epochsError, '');
      modeError.hidden = true;
      for (const b of buttons) b.disabled = true;
      status.textContent = 'Starting a job…';
      try {
        const body = { mode: m.mode };
        if (name.value.trim()) body.name = name.value.trim();
        if (epochs.value !== '') body.epochs = Number(epochs.value);
        const job = await sharingApi.fork(model.id, body);
        status.textContent = 'Job queued.';
        location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
      } catch (error) {
        status.textContent = '';
        const nameMessage = fieldErrors(error, 'name');
        const epochsMessage = fieldErrors(error, 'epochs');
        showFieldError(name, nameError, nameMessage);
        showFieldError(epochs, epochsError, epochsMessage);
        if (!nameMessage && !epochsMessage) {
          modeError.replaceChildren(problemNotice(error, 'fork-error'));
          modeError.hidden = false;
        }
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    });
    return button;
  });
  section.replaceChildren(
    h('h2', { id: 'model-fork-heading', class: 'card__title' }, 'Build on it'),
    h('p', { class: 'hint' }, 'Start a new job of your own from these weights. ', modes.map((m) => `${m.label}: ${m.hint}.`).join(' ')),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'fork-name' }, 'New job name'), name, nameError),
      h('div', { class: 'field' }, h('label', { for: 'fork-epochs' }, 'Epochs'), epochs, epochsError)),
    h('div', { class: 'form-actions' }, buttons),
    modeError,
    status);
}
