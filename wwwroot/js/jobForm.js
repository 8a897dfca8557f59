// The "Train an RBM" form: builds the POST /api/jobs body, fills presets, and shows the
// server's 400 ValidationProblem errors next to the fields they name ("rbm.hiddenUnits", "patches.patchSize", ...).
// Which groups are visible follows the choices: kind (digits vs image patches), data source (MNIST vs an
// uploaded data set), visible unit type (σ), CD-k vs PCD (chains) and the evaluations picked.

import { api } from './api.js';
import { ApiError } from './http.js';
import { h } from './dom.js';
import { applyLimits } from './limits.js';
import presets from './presets.json' with { type: 'json' };

/**
 * The Train page's presets (homework 1, homework 2, the lecture demo): job bodies kept in presets.json, which the server
 * tests submit too, so every preset is checked to validate and train.
 */
export const RBM_PRESETS = Object.freeze(presets.rbm);

const NUMBER_FIELDS = {
  'rbm.hiddenUnits': 'int',
  'rbm.k': 'int',
  'rbm.learningRate': 'float',
  'rbm.batchSize': 'int',
  'rbm.epochs': 'int',
  'rbm.seed': 'int',
  'rbm.sigma': 'float',
  'rbm.persistentChains': 'int',
  'rbm.initialMomentum': 'float',
  'rbm.finalMomentum': 'float',
  'rbm.momentumSwitchEpoch': 'int',
  'rbm.weightDecay': 'float',
  'rbm.sparsityTarget': 'float',
  'rbm.sparsityCost': 'float',
  'rbm.sparsityDecay': 'float',
  'rbm.learningRateDecay': 'float',
  'rbm.initialWeightStdDev': 'float',
  'data.limit': 'int',
  'data.binarizeThreshold': 'float',
  'patches.patchSize': 'int',
  'patches.patchCount': 'int',
  'patches.stride': 'int',
  'evaluation.perClassLimit': 'int',
  'evaluation.ais.runs': 'int',
  'evaluation.ais.betas': 'int',
  'evaluation.ais.testLimit': 'int',
};

/** Server keys that name a field under another name. */
const FIELD_ALIASES = {
  'data.dataset': 'data.datasetId',
  'rbm.persistent': 'rbm.persistent',
  'evaluation.ais.enabled': 'evaluation.ais',
};

export class JobForm {
  #form;
  #summary;
  #status;
  #submit;
  #onSubmitted;
  #datasets = [];

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
    form.addEventListener('change', (event) => {
      // Patches are real-valued after standardization: switching the kind picks the matching unit type.
      if (event.target.name === 'kind') {
        form.elements['rbm.visibleType'].value = event.target.value === 'rbm-patches' ? 'Gaussian' : 'Bernoulli';
      }
      this.#updateVisibility();
    });
    this.#updateVisibility();
    applyLimits(form);
  }

  /** Fills the data-set and image pickers (GET /api/datasets, /api/images); keeps the current choices. */
  async refreshSources() {
    const [datasets, images] = await Promise.all([
      api.listDatasets().catch(() => null),
      api.listImages().catch(() => null),
    ]);
    if (datasets) {
      this.#datasets = datasets;
      const select = this.#form.elements['data.source'];
      const current = select.value;
      select.replaceChildren(
        h('option', { value: 'mnist' }, 'MNIST (built in)'),
        ...datasets.map((d) => h('option', { value: d.id }, `${d.name} — ${d.count} × ${d.features}${d.hasLabels ? ', labelled' : ''}`)));
      select.value = [...select.options].some((o) => o.value === current) ? current : 'mnist';
    }
    if (images) {
      for (const name of ['patches.trainImage', 'patches.testImage']) {
        const select = this.#form.elements[name];
        const current = select.value;
        select.replaceChildren(...images.map((image) => h('option', { value: image.id },
          `${image.name}${image.source === 'builtin' ? ' (built in)' : ''} — ${image.width}×${image.height}`)));
        if ([...select.options].some((o) => o.value === current)) select.value = current;
      }
    }
    this.#updateVisibility();
  }

  /** @param {{title: string, asks?: string, job: object}} entry a preset of presets.json */
  applyPreset(entry) {
    const preset = entry.job;
    this.#form.reset(); // every field back to its default, so a preset never inherits an earlier preset's extras
    const f = this.#form.elements;
    f['name'].value = preset.name;
    setRadio(f['kind'], preset.kind ?? 'rbm');
    f['rbm.visibleType'].value = preset.kind === 'rbm-patches' ? 'Gaussian' : 'Bernoulli';
    for (const [key, value] of Object.entries(preset.rbm ?? {})) {
      const control = f[`rbm.${key}`];
      if (!control) continue;
      if (control instanceof RadioNodeList) setRadio(control, String(value));
      else if (control.type === 'checkbox') control.checked = Boolean(value);
      else control.value = value === null || value === undefined ? '' : String(value);
    }
    if (preset.data) {
      f['data.source'].value = preset.data.dataset === 'user' && preset.data.datasetId ? preset.data.datasetId : 'mnist';
      f['data.split'].value = preset.data.split ?? 'train';
      f['data.limit'].value = preset.data.limit ?? '';
      f['data.imageSize'].value = String(preset.data.imageSize ?? 28);
      f['data.binarizeThreshold'].value = preset.data.binarizeThreshold ?? '';
      const classes = new Set(preset.data.classes ?? []);
      this.#digitInputs().forEach((input) => { input.checked = classes.has(Number(input.value)); });
    }
    if (preset.patches) {
      const p = preset.patches;
      if (p.trainImage) selectImage(f['patches.trainImage'], p.trainImage, null);
      else selectUpload(f['patches.trainImage']);
      selectImage(f['patches.testImage'], p.testImage, f['patches.trainImage'].value);
      f['patches.patchSize'].value = String(p.patchSize);
      f['patches.patchCount'].value = String(p.patchCount);
      f['patches.stride'].value = String(p.stride);
      f['patches.standardization'].value = p.standardization;
      f['patches.zca'].checked = Boolean(p.zca);
    }
    const evaluation = preset.evaluation ?? {};
    f['evaluation.perClass'].checked = Boolean(evaluation.perClass);
    if (evaluation.perClassLimit) f['evaluation.perClassLimit'].value = String(evaluation.perClassLimit);
    f['evaluation.ais.enabled'].checked = Boolean(evaluation.ais);
    if (evaluation.ais) {
      f['evaluation.ais.runs'].value = String(evaluation.ais.runs);
      f['evaluation.ais.betas'].value = String(evaluation.ais.betas);
      f['evaluation.ais.testLimit'].value = String(evaluation.ais.testLimit);
    }
    // Presets with options beyond the basics show them, so nothing is changed behind the student's back.
    const basic = new Set(['hiddenUnits', 'k', 'learningRate', 'batchSize', 'epochs', 'seed', 'sampleReconstruction']);
    this.#form.querySelector('#advanced').open = Object.keys(preset.rbm ?? {}).some((key) => !basic.has(key));
    this.#updateVisibility();
    this.#clearErrors();
    const asks = entry.asks && !f['patches.trainImage'].value;
    // The ask also sits under the image it is about, not only at the foot of a long form.
    if (asks) this.#fieldFor('patches.trainImage').querySelector('.field__error').textContent = entry.asks;
    this.#status.textContent = asks
      ? `Preset “${entry.title}”: ${entry.asks}`
      : `Preset “${entry.title}” filled in — adjust anything, then start training.`;
  }

  #updateVisibility() {
    const f = this.#form.elements;
    const kind = f['kind'].value || 'rbm';
    const source = f['data.source'].value;
    const show = (selector, visible) => this.#form.querySelectorAll(selector).forEach((el) => { el.hidden = !visible; });
    this.#form.querySelectorAll('[data-kind-only]').forEach((el) => {
      const evalOnly = el.dataset.evalOnly;
      el.hidden = el.dataset.kindOnly !== kind || (evalOnly !== undefined && !this.#evaluationChecked(evalOnly));
    });
    this.#form.querySelectorAll('[data-eval-only]:not([data-kind-only])').forEach((el) => { el.hidden = !this.#evaluationChecked(el.dataset.evalOnly); });
    show('[data-source-only="mnist"]', source === 'mnist');
    show('[data-visible-only="Gaussian"]', f['rbm.visibleType'].value === 'Gaussian');
    show('[data-persistent-only="true"]', f['rbm.persistent'].value === 'true');
    const dataset = this.#datasets.find((d) => d.id === source);
    this.#form.querySelector('#hint-source').textContent = dataset
      ? `${dataset.count} samples of ${dataset.features} values${dataset.width ? ` (${dataset.width}×${dataset.height} images)` : ''}.`
      : 'Or upload your own on the Images & data sets page.';
  }

  #evaluationChecked(name) {
    return this.#form.elements[name === 'ais' ? 'evaluation.ais.enabled' : 'evaluation.perClass'].checked;
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
      if (input.closest('[hidden]')) continue; // not part of this kind of job
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
    const kind = f['kind'].value || 'rbm';
    const name = f['name'].value.trim();
    const gaussian = f['rbm.visibleType'].value === 'Gaussian';
    const persistent = f['rbm.persistent'].value === 'true';
    const body = {
      name: name === '' ? undefined : name,
      kind,
      rbm: {
        hiddenUnits: numbers['rbm.hiddenUnits'],
        k: numbers['rbm.k'],
        learningRate: numbers['rbm.learningRate'],
        batchSize: numbers['rbm.batchSize'],
        epochs: numbers['rbm.epochs'],
        seed: numbers['rbm.seed'],
        sampleReconstruction: f['rbm.sampleReconstruction'].value !== 'false',
        visibleType: f['rbm.visibleType'].value,
        sigma: gaussian ? numbers['rbm.sigma'] : undefined,
        persistent,
        persistentChains: persistent ? numbers['rbm.persistentChains'] : undefined,
        initialMomentum: numbers['rbm.initialMomentum'],
        finalMomentum: numbers['rbm.finalMomentum'],
        momentumSwitchEpoch: numbers['rbm.momentumSwitchEpoch'],
        weightDecay: numbers['rbm.weightDecay'],
        sparsityTarget: numbers['rbm.sparsityTarget'] ?? null,
        sparsityCost: numbers['rbm.sparsityCost'],
        sparsityDecay: numbers['rbm.sparsityDecay'],
        learningRateDecay: numbers['rbm.learningRateDecay'],
        initializeVisibleBiasFromData: f['rbm.initializeVisibleBiasFromData'].checked,
        initialWeightStdDev: numbers['rbm.initialWeightStdDev'],
      },
      evaluation: {
        ais: f['evaluation.ais.enabled'].checked
          ? { runs: numbers['evaluation.ais.runs'], betas: numbers['evaluation.ais.betas'], testLimit: numbers['evaluation.ais.testLimit'] }
          : null,
        perClass: kind === 'rbm' && f['evaluation.perClass'].checked,
        perClassLimit: kind === 'rbm' && f['evaluation.perClass'].checked ? numbers['evaluation.perClassLimit'] : undefined,
      },
    };
    if (kind === 'rbm-patches') {
      body.patches = {
        trainImage: f['patches.trainImage'].value,
        testImage: f['patches.testImage'].value,
        patchSize: numbers['patches.patchSize'],
        patchCount: numbers['patches.patchCount'],
        standardization: f['patches.standardization'].value,
        zca: f['patches.zca'].checked,
        stride: numbers['patches.stride'],
      };
    } else {
      const source = f['data.source'].value;
      const classes = this.#digitInputs().filter((input) => input.checked).map((input) => Number(input.value));
      body.data = source === 'mnist'
        ? {
          dataset: 'mnist',
          split: f['data.split'].value,
          classes: classes.length > 0 ? classes : undefined,
          limit: numbers['data.limit'],
          imageSize: Number(f['data.imageSize'].value),
          binarizeThreshold: numbers['data.binarizeThreshold'],
        }
        : { dataset: 'user', datasetId: source, limit: numbers['data.limit'], binarizeThreshold: numbers['data.binarizeThreshold'] };
    }
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

  /**
   * Finds the field a server error key names: "rbm.hiddenUnits", "Rbm.HiddenUnits", "$.rbm.epochs", "data.classes[2]",
   * "evaluation.ais.runs"; an unknown child key ("patches.trainImage.id") falls back to its nearest known parent.
   */
  #fieldFor(key) {
    let normalized = String(key).replace(/^\$\.?/, '').replace(/^(request|body|job)\./i, '').replace(/\[\d+\]/g, '').toLowerCase();
    const fields = [...this.#form.querySelectorAll('[data-field]')];
    const alias = Object.entries(FIELD_ALIASES).find(([from]) => from.toLowerCase() === normalized);
    if (alias) normalized = alias[1].toLowerCase();
    while (normalized) {
      const field = fields.find((candidate) => candidate.dataset.field.toLowerCase() === normalized);
      if (field) return field;
      const dot = normalized.lastIndexOf('.');
      if (dot < 0) return null;
      normalized = normalized.slice(0, dot);
    }
    return null;
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
      errorElement.textContent = [errorElement.textContent, ...list].filter(Boolean).join(' ');
      for (const control of field.querySelectorAll('input, select')) control.setAttribute('aria-invalid', 'true');
      const details = field.closest('details');
      if (details) details.open = true;
      // A field hidden by the current choices cannot show its message: repeat it in the summary.
      if (field.closest('[hidden]')) unmatched.push(...list.map((message) => `${key}: ${message}`));
    }
    this.#showSummary(title, unmatched);
    const firstInvalid = [...this.#form.querySelectorAll('.field--invalid input, .field--invalid select')].find((c) => !c.closest('[hidden]'));
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

function setRadio(radios, value) {
  for (const radio of radios) radio.checked = radio.value === value;
}

/**
 * A preset that trains on the student's own photo (homework 2's dog) picks their newest upload; without one the select
 * shows an empty choice, so the job is not trained on some other image by accident (the server then names the field).
 */
function selectUpload(select) {
  const upload = [...select.options].find((o) => o.value && !o.value.startsWith('builtin:'));
  if (upload) {
    select.value = upload.value;
    return;
  }
  if (!select.querySelector('option[value=""]')) select.prepend(h('option', { value: '' }, '— upload a photo first —'));
  select.value = '';
}

/** Picks the wanted image, else the first image that is not `avoid` (homework 2 reconstructs an unseen image). */
function selectImage(select, wanted, avoid) {
  const options = [...select.options];
  const choice = options.find((o) => o.value === wanted) ?? options.find((o) => o.value !== avoid) ?? options[0];
  if (choice) select.value = choice.value;
}
