// The "Train an RBM" form: builds the POST /api/jobs body, fills presets, and shows the
// server's 400 ValidationProblem errors next to the fields they name ("rbm.hiddenUnits", "data.classes", ...).

import { api, ApiError } from './api.js';
import { h } from './dom.js';

/** The lecture's homework 1: an RBM with 49 hidden units on 16×16 binarized digits 1–5. */
export const HOMEWORK1_PRESET = Object.freeze({
  name: 'Homework 1 — digits 1–5',
  rbm: { hiddenUnits: 49, k: 1, learningRate: 0.1, batchSize: 20, epochs: 5, seed: 1, sampleReconstruction: true },
  data: { split: 'train', classes: [1, 2, 3, 4, 5], limit: 10000, imageSize: 16, binarizeThreshold: 0.5 },
});

const NUMBER_FIELDS = {
  'rbm.hiddenUnits': 'int',
  'rbm.k': 'int',
  'rbm.learningRate': 'float',
  'rbm.batchSize': 'int',
  'rbm.epochs': 'int',
  'rbm.seed': 'int',
  'data.limit': 'int',
  'data.binarizeThreshold': 'float',
};

export class JobForm {
  #form;
  #summary;
  #status;
  #submit;
  #onSubmitted;

  constructor(form, { onSubmitted }) {
    this.#form = form;
    this.#summary = form.querySelector('#form-summary');
    this.#status = form.querySelector('#form-status');
    this.#submit = form.querySelector('#submit-job');
    this.#onSubmitted = onSubmitted;

    this.#renderDigitBoxes(form.querySelector('#digit-boxes'));
    form.querySelectorAll('[data-digits]').forEach((button) => button.addEventListener('click', () => {
      const all = button.dataset.digits === 'all';
      this.#digitInputs().forEach((input) => { input.checked = all; });
      this.#clearFieldError('data.classes');
    }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submitJob();
    });
    // Editing a field clears its (now stale) error.
    form.addEventListener('input', (event) => {
      const field = event.target.closest('[data-field]');
      if (field) this.#clearFieldError(field.dataset.field);
    });
  }

  applyPreset(preset) {
    const f = this.#form.elements;
    f['name'].value = preset.name;
    for (const [key, value] of Object.entries(preset.rbm)) {
      if (key === 'sampleReconstruction') {
        for (const radio of f['rbm.sampleReconstruction']) radio.checked = radio.value === String(value);
      } else {
        f[`rbm.${key}`].value = String(value);
      }
    }
    f['data.split'].value = preset.data.split;
    f['data.limit'].value = preset.data.limit ?? '';
    f['data.imageSize'].value = String(preset.data.imageSize);
    f['data.binarizeThreshold'].value = preset.data.binarizeThreshold ?? '';
    const classes = new Set(preset.data.classes ?? []);
    this.#digitInputs().forEach((input) => { input.checked = classes.has(Number(input.value)); });
    this.#clearErrors();
    this.#status.textContent = `Preset “${preset.name}” filled in — adjust anything, then start training.`;
  }

  #renderDigitBoxes(container) {
    for (let digit = 0; digit <= 9; digit++) {
      container.append(h('label', { class: 'digit', title: `Digit ${digit}` },
        h('input', { type: 'checkbox', name: 'data.classes', value: String(digit), 'aria-label': `Digit ${digit}`, dataset: { testid: `digit-${digit}` } }),
        h('span', { 'aria-hidden': 'true' }, String(digit))));
    }
  }

  #digitInputs() {
    return [...this.#form.querySelectorAll('input[name="data.classes"]')];
  }

  /** Reads the form into the contract's request body; omitted (empty) fields take the server defaults. */
  #readBody() {
    const f = this.#form.elements;
    const clientErrors = {};
    const numbers = {};
    for (const [name, kind] of Object.entries(NUMBER_FIELDS)) {
      const input = f[name];
      const raw = input.value.trim();
      if (input.validity.badInput) {
        clientErrors[name] = ['Enter a number.'];
      } else if (raw !== '') {
        const value = Number(raw);
        if (!Number.isFinite(value)) clientErrors[name] = ['Enter a number.'];
        else if (kind === 'int' && !Number.isInteger(value)) clientErrors[name] = ['Enter a whole number.'];
        else numbers[name] = value;
      }
    }
    const classes = this.#digitInputs().filter((input) => input.checked).map((input) => Number(input.value));
    const name = f['name'].value.trim();
    const body = {
      name: name === '' ? undefined : name,
      rbm: {
        hiddenUnits: numbers['rbm.hiddenUnits'],
        k: numbers['rbm.k'],
        learningRate: numbers['rbm.learningRate'],
        batchSize: numbers['rbm.batchSize'],
        epochs: numbers['rbm.epochs'],
        seed: numbers['rbm.seed'],
        sampleReconstruction: f['rbm.sampleReconstruction'].value !== 'false',
      },
      data: {
        dataset: 'mnist',
        split: f['data.split'].value,
        classes: classes.length > 0 ? classes : undefined,
        limit: numbers['data.limit'],
        imageSize: Number(f['data.imageSize'].value),
        binarizeThreshold: numbers['data.binarizeThreshold'],
      },
    };
    return { body, clientErrors };
  }

  async #submitJob() {
    this.#clearErrors();
    const { body, clientErrors } = this.#readBody();
    if (Object.keys(clientErrors).length > 0) {
      this.#showErrors(clientErrors, 'Please fix the highlighted fields.');
      return;
    }
    this.#submit.disabled = true;
    this.#submit.textContent = 'Submitting…';
    this.#status.textContent = '';
    try {
      const job = await api.submitJob(body);
      this.#status.textContent = `Job “${job.name}” queued.`;
      this.#onSubmitted?.(job);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.errors).length > 0) {
        this.#showErrors(error.errors, 'The server rejected some values — please fix the highlighted fields.');
      } else {
        this.#showSummary(error.message || 'Submitting the job failed.', []);
      }
    } finally {
      this.#submit.disabled = false;
      this.#submit.textContent = 'Start training';
    }
  }

  /** Finds the field a server error key names: "rbm.hiddenUnits", "Rbm.HiddenUnits", "$.rbm.epochs", "data.classes[2]". */
  #fieldFor(key) {
    const normalized = String(key).replace(/^\$\.?/, '').replace(/^(request|body|job)\./i, '').replace(/\[\d+\]/g, '').toLowerCase();
    return [...this.#form.querySelectorAll('[data-field]')].find((field) => field.dataset.field.toLowerCase() === normalized) ?? null;
  }

  #showErrors(errors, title) {
    const unmatched = [];
    for (const [key, messages] of Object.entries(errors)) {
      const list = Array.isArray(messages) ? messages : [String(messages)];
      const field = this.#fieldFor(key);
      if (!field) {
        unmatched.push(...list.map((message) => (key ? `${key}: ${message}` : message)));
        continue;
      }
      field.classList.add('field--invalid');
      const errorElement = field.querySelector('.field__error');
      errorElement.textContent = list.join(' ');
      for (const control of field.querySelectorAll('input, select')) control.setAttribute('aria-invalid', 'true');
    }
    this.#showSummary(title, unmatched);
    const firstInvalid = this.#form.querySelector('.field--invalid input, .field--invalid select');
    (firstInvalid ?? this.#summary).focus();
  }

  #showSummary(title, messages) {
    const children = [h('strong', {}, title)];
    if (messages.length > 0) children.push(h('ul', {}, messages.map((m) => h('li', {}, m))));
    this.#summary.replaceChildren(...children);
    this.#summary.tabIndex = -1;
    this.#summary.hidden = false;
  }

  #clearFieldError(key) {
    const field = this.#fieldFor(key);
    if (!field) return;
    field.classList.remove('field--invalid');
    field.querySelector('.field__error').textContent = '';
    field.querySelectorAll('[aria-invalid]').forEach((control) => control.removeAttribute('aria-invalid'));
    if (!this.#form.querySelector('.field--invalid') && !this.#summary.querySelector('li')) this.#summary.hidden = true;
  }

  #clearErrors() {
    this.#form.querySelectorAll('[data-field]').forEach((field) => this.#clearFieldError(field.dataset.field));
    this.#summary.hidden = true;
    this.#summary.replaceChildren();
  }
}
