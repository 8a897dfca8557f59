// Import on the models list (#/models): upload a .safetensors file (POST /api/models/import, multipart 'file' and
// an optional 'name'). The server checks it strictly; its 400 detail says what is wrong and is shown under the file input.

import { h } from './dom.js';
import { fieldErrors, problemText } from './http.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, showFieldError } from './sharingUi.js';

const MAX_BYTES = 64 * 1024 * 1024;

export class ModelImport {
  #el = {};

  /**
   * @param {HTMLElement} container where the form goes
   * @param {{ onImported: (model: object) => void }} options
   */
  constructor(container, { onImported }) {
    const el = this.#el;
    el.file = h('input', { id: 'import-file', type: 'file', name: 'file', accept: '.safetensors,application/octet-stream', required: true, dataset: { testid: 'import-file' } });
    el.fileError = errorFor(el.file, 'import-error');
    el.name = h('input', { id: 'import-name', type: 'text', name: 'name', maxlength: '200', autocomplete: 'off', placeholder: 'the name in the file', dataset: { testid: 'import-name' } });
    el.nameError = errorFor(el.name, 'import-name-error');
    el.submit = h('button', { type: 'submit', class: 'button button--secondary', dataset: { testid: 'import-submit' } }, 'Import');
    el.status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'import-status' } });
    const form = h('form', { class: 'upload model-import', novalidate: true, 'aria-labelledby': 'import-heading' },
      h('h3', { id: 'import-heading', class: 'card__title' }, 'Import a model'),
      h('p', { class: 'field__hint' }, 'A .safetensors file downloaded from this service (yours or a classmate’s), at most 64 MiB. It becomes a private model of yours.'),
      h('div', { class: 'field-row field-row--2' },
        h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'Model file'), el.file, el.fileError),
        h('div', { class: 'field' }, h('label', { for: 'import-name' }, 'Name (optional)'), el.name, el.nameError)),
      h('div', { class: 'form-actions' }, el.submit, el.status));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const model = await this.#import();
      if (model) {
        form.reset();
        onImported(model);
      }
    });
    container.replaceChildren(form);
  }

  async #import() {
    const el = this.#el;
    showFieldError(el.file, el.fileError, '');
    showFieldError(el.name, el.nameError, '');
    const file = el.file.files?.[0];
    if (!file) {
      showFieldError(el.file, el.fileError, 'Choose a .safetensors file.');
      el.file.focus();
      return null;
    }
    if (file.size > MAX_BYTES) {
      showFieldError(el.file, el.fileError, `The file has ${(file.size / 1024 / 1024).toFixed(1)} MiB; the limit is 64 MiB.`);
      el.file.focus();
      return null;
    }
    el.submit.disabled = true;
    el.status.textContent = 'Uploading and checking…';
    try {
      const data = new FormData();
      data.append('file', file, file.name);
      if (el.name.value.trim()) data.append('name', el.name.value.trim());
      const model = await sharingApi.importModel(data);
      el.status.textContent = `Imported “${model.name}”.`;
      return model;
    } catch (error) {
      el.status.textContent = '';
      const nameMessage = fieldErrors(error, 'name');
      showFieldError(el.name, el.nameError, nameMessage);
      const fileMessage = fieldErrors(error, 'file');
      if (fileMessage || !nameMessage) showFieldError(el.file, el.fileError, fileMessage || problemText(error));
      (nameMessage ? el.name : el.file).focus();
      return null;
    } finally {
      el.submit.disabled = false;
    }
  }
}
