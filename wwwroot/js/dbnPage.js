// The DBN page (#/dbn): a form that builds a "dbn" job (layers, pre-training, fine-tuning, backprop, data),
// presets, the Bengio 2007 table launcher and a generation panel that streams samples of a trained DBN.

import { api } from './api.js';
import { ApiError } from './http.js';
import { hubMessage, StreamingHub } from './hubs.js';
import { applyLimits, limitOf } from './limits.js';
import { h } from './dom.js';
import { formatDate } from './format.js';
import presets from './presets.json' with { type: 'json' };

const dbnHub = new StreamingHub('hubs/dbn');

// Bounds come from GET /api/limits ("dbn.layers[].<key>"); the titles say what a column is.
const LAYER_FIELDS = [
  { key: 'hiddenUnits', label: 'Units', title: 'Hidden units' },
  { key: 'epochs', label: 'Epochs', title: 'Pre-training epochs' },
  { key: 'learningRate', label: 'ε', title: 'Pre-training learning rate' },
  { key: 'k', label: 'CD-k', title: 'Gibbs steps of contrastive divergence' },
  { key: 'batchSize', label: 'Batch', title: 'Minibatch size' },
  { key: 'momentum', label: 'Mom.', title: 'Momentum: 0.5 for the first epochs, then this' },
  { key: 'weightDecay', label: 'Decay', title: 'L2 weight decay' },
];

const layer = (hiddenUnits, epochs, extra = {}) => ({
  hiddenUnits, epochs, learningRate: 0.1, k: 1, batchSize: 100, momentum: 0.9, weightDecay: 0.0002, visibleType: 'Bernoulli', ...extra,
});

/** The presets of presets.json (the server tests submit the same job bodies), with the button label. */
export const DBN_PRESETS = Object.freeze(Object.fromEntries(Object.entries(presets.dbn)
  .map(([key, preset]) => [key, { label: preset.title, ...preset.job }])));

const copy = (value) => JSON.parse(JSON.stringify(value));

function numberOrNull(input) {
  const text = input.value.trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export class DbnPage {
  #root;
  #built = false;
  #el = {};
  #layers = [];
  #stopGeneration = null;
  #maxLayers = Infinity; // until GET /api/limits says ("dbn.layers")

  constructor(root) { this.#root = root; }

  /** @param {string} path the hash after "#/dbn". */
  show(path) {
    if (!this.#built) this.#build();
    this.#root.hidden = false;
    this.#loadSources();
    // "?model={id}" (from a DBN job page) preselects that model for generation.
    const wanted = new URLSearchParams(String(path ?? '').replace(/^[^?]*\?/, '')).get('model');
    this.#loadModels(wanted).then(() => {
      if (wanted) this.#el.model.closest('section')?.scrollIntoView({ block: 'start' });
    });
  }

  hide() {
    this.#stopGeneration?.();
    this.#root.hidden = true;
  }

  // ---------- markup ----------

  #build() {
    this.#built = true;
    const el = this.#el;
    const field = (key, label, control, hint) => {
      const errorId = `dbn-err-${key.replace(/[^a-z0-9]/gi, '-')}`;
      control.setAttribute('aria-describedby', errorId);
      control.dataset.key = key;
      return h('div', { class: 'field', dataset: { field: key } },
        h('label', { for: control.id }, label),
        control,
        hint ? h('p', { class: 'field__hint' }, hint) : null,
        h('p', { class: 'field__error', id: errorId, dataset: { errorFor: key } }));
    };
    const num = (id, attrs) => h('input', { id, type: 'number', inputmode: 'decimal', ...attrs });
    const select = (id, options) => h('select', { id }, options.map(([value, text]) => h('option', { value }, text)));

    el.name = h('input', { id: 'dbn-name', type: 'text', maxlength: '200', autocomplete: 'off', dataset: { testid: 'dbn-name' } });
    el.dataset = select('dbn-dataset', [['mnist', 'MNIST digits']]);
    el.dataset.dataset.testid = 'dbn-dataset';
    el.imageSize = select('dbn-image-size', [['28', '28×28 (as stored)'], ['16', '16×16 (downscaled)']]);
    el.imageSize.dataset.testid = 'dbn-image-size';
    el.limit = num('dbn-limit', { placeholder: 'all', dataset: { testid: 'dbn-limit', limit: 'data.limit' } });
    el.validation = num('dbn-validation', { dataset: { testid: 'dbn-validation', limit: 'dbn.validation' } });
    el.testLimit = num('dbn-test-limit', { placeholder: 'all 10,000', dataset: { testid: 'dbn-test-limit', limit: 'dbn.testLimit' } });
    el.classes = h('div', { class: 'dbn-classes', role: 'group', 'aria-label': 'Digit classes' },
      Array.from({ length: 10 }, (_, d) => h('label', { class: 'dbn-classes__digit' },
        h('input', { type: 'checkbox', value: String(d), checked: true, dataset: { testid: `dbn-class-${d}` } }), ` ${d}`)));

    el.pretraining = select('dbn-pretraining', [
      ['rbm', 'RBMs (a DBN, contrastive divergence)'], ['autoEncoder', 'Auto-associators (layer-wise autoencoders)'],
      ['supervised', 'Supervised layer-wise'], ['none', 'None (random initialization)']]);
    el.pretraining.dataset.testid = 'dbn-pretraining';
    el.fineTuning = select('dbn-fine-tuning', [
      ['global', 'Global: backprop through every layer'], ['classifierOnTop', 'Softmax classifier on frozen features'], ['none', 'None (features only)']]);
    el.fineTuning.dataset.testid = 'dbn-fine-tuning';
    el.propagation = select('dbn-propagation', [['samples', 'Samples of Q(h|below) (the lecture)'], ['probabilities', 'Probabilities']]);
    el.joinLabels = h('input', { id: 'dbn-join-labels', type: 'checkbox', dataset: { testid: 'dbn-join-labels', key: 'dbn.joinLabels' } });
    el.visibleType = select('dbn-visible-type', [['Bernoulli', 'Bernoulli (grey levels in [0, 1])'], ['Gaussian', 'Gaussian']]);

    el.bp = {};
    const bpFields = [
      ['learningRate', 'Learning rate ε'],
      ['momentum', 'Momentum'],
      ['weightDecay', 'Weight decay'],
      ['batchSize', 'Batch size'],
      ['epochs', 'Epochs'],
      ['topLayerOnlyEpochs', 'Top layer only, first'],
    ];
    for (const [key] of bpFields) el.bp[key] = num(`dbn-bp-${key}`, { step: 'any', dataset: { testid: `dbn-bp-${key}`, limit: `dbn.backprop.${key}` } });
    el.seed = num('dbn-seed', { step: 1, dataset: { limit: 'dbn.seed' } });

    el.layerRows = h('tbody', { dataset: { testid: 'dbn-layers' } });
    el.addLayer = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'dbn-add-layer' }, onclick: () => this.#addLayer() }, 'Add a layer');
    el.summary = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'dbn-form-errors' } });
    el.submit = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'dbn-submit' } }, 'Train the DBN');
    el.status = h('p', { class: 'form-status', role: 'status' });
    el.architecture = h('p', { class: 'dbn-architecture', dataset: { testid: 'dbn-architecture' } });

    const form = h('form', { id: 'dbn-form', novalidate: true, onsubmit: (event) => { event.preventDefault(); this.#submit(); }, oninput: () => this.#showArchitecture(), onchange: () => this.#showArchitecture() },
      el.summary,
      field('name', 'Job name', el.name),
      h('fieldset', { class: 'group' }, h('legend', {}, 'Data'),
        h('div', { class: 'field-row' },
          field('data.dataset', 'Data set', el.dataset),
          field('data.imageSize', 'Image size', el.imageSize, 'MNIST only'),
          field('data.limit', 'Training digits', el.limit, [h('span', { dataset: { rangeOf: 'data.limit', rangeThen: ', ' } }), 'empty = all']),
          field('dbn.validation', 'Validation rows', el.validation, 'the last N training rows'),
          field('dbn.testLimit', 'Test digits', el.testLimit, [h('span', { dataset: { rangeOf: 'dbn.testLimit', rangeThen: ' ' } }), 'of the test split'])),
        h('div', { class: 'field', dataset: { field: 'data.classes' } },
          h('span', { class: 'field__label', id: 'dbn-classes-label' }, 'Digits'), el.classes,
          h('p', { class: 'field__error', dataset: { errorFor: 'data.classes' } }))),
      h('fieldset', { class: 'group' }, h('legend', {}, 'Hidden layers (bottom first)'),
        field('dbn.layers[0].visibleType', 'Visible units of layer 1', el.visibleType),
        h('div', { class: 'table-wrap' },
          h('table', { class: 'table dbn-layer-table' },
            h('caption', { class: 'visually-hidden' }, 'Hidden layers and their pre-training settings'),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Layer'), LAYER_FIELDS.map((f) => h('th', { scope: 'col' }, h('abbr', { title: f.title }, f.label))), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')))),
            el.layerRows)),
        h('p', { class: 'field__error', dataset: { errorFor: 'dbn.layers' } }),
        h('div', { class: 'dbn-layer-actions' }, el.addLayer, el.architecture)),
      h('fieldset', { class: 'group' }, h('legend', {}, 'Training'),
        h('div', { class: 'field-row' },
          field('dbn.pretraining', 'Pre-training', el.pretraining),
          field('dbn.fineTuning', 'Fine-tuning', el.fineTuning),
          field('dbn.propagation', 'Passed up between layers', el.propagation)),
        h('div', { class: 'field field--check', dataset: { field: 'dbn.joinLabels' } },
          h('label', { class: 'choice__option' }, el.joinLabels,
            h('span', {}, 'Join the labels to the top RBM ', h('span', { class: 'muted' }, '(Hinton 2006: generate a chosen digit)'))),
          h('p', { class: 'field__error', dataset: { errorFor: 'dbn.joinLabels' } }))),
      h('fieldset', { class: 'group' }, h('legend', {}, 'Backprop (fine-tuning)'),
        h('div', { class: 'field-row' }, bpFields.map(([key, label]) => field(`dbn.backprop.${key}`, label, el.bp[key])),
          field('dbn.seed', 'Seed', el.seed))),
      h('div', { class: 'form-actions' }, el.submit, el.status));

    // Bengio 2007 table.
    el.scale = select('dbn-bengio-scale', [['quick', 'Quick (seconds, 1,000 digits at 16×16)'], ['full', 'Full (all of MNIST, the paper-like setting)']]);
    el.scale.dataset.testid = 'dbn-bengio-scale';
    el.bengioStatus = h('p', { class: 'form-status', role: 'status' });
    const bengio = h('section', { class: 'card', 'aria-labelledby': 'dbn-bengio-heading', dataset: { testid: 'dbn-bengio' } },
      h('h2', { id: 'dbn-bengio-heading', class: 'card__title' }, 'Bengio et al. 2007: does pre-training help?'),
      h('p', { class: 'hint' }, 'Five rows on MNIST with the last 10,000 training digits for validation: a DBN (RBM pre-training), auto-associator and supervised layer-wise pre-training, no pre-training, and a shallow net — next to the published test errors 1.2 %, 1.4 %, 2.0 %, 2.4 % and 1.9 %.'),
      h('div', { class: 'field' }, h('label', { for: el.scale.id }, 'Scale'), el.scale),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button button--primary', dataset: { testid: 'dbn-bengio-start' }, onclick: (event) => this.#startBengio(event.currentTarget) }, 'Run the table'),
        el.bengioStatus));

    // Generation.
    el.model = h('select', { id: 'dbn-gen-model', dataset: { testid: 'dbn-gen-model' }, onchange: () => this.#syncLabel() });
    el.label = select('dbn-gen-label', [['', 'Any (free running)'], ...Array.from({ length: 10 }, (_, d) => [String(d), `Digit ${d}`])]);
    el.label.dataset.testid = 'dbn-gen-label';
    el.chains = num('dbn-gen-chains', { min: 1, max: 100, step: 1, value: '20', dataset: { testid: 'dbn-gen-chains' } });
    el.steps = num('dbn-gen-steps', { min: 1, max: 5000, step: 1, value: '200' });
    el.generate = h('button', { type: 'button', class: 'button button--primary', dataset: { testid: 'dbn-generate' }, onclick: () => this.#toggleGeneration() }, 'Generate');
    el.genStatus = h('p', { class: 'form-status', role: 'status', dataset: { testid: 'dbn-gen-status' } });
    el.frame = h('img', { class: 'dbn-frame pixelated', alt: 'Generated digits', hidden: true, dataset: { testid: 'dbn-gen-frame' } });
    const generation = h('section', { class: 'card', 'aria-labelledby': 'dbn-gen-heading', dataset: { testid: 'dbn-generation' } },
      h('h2', { id: 'dbn-gen-heading', class: 'card__title' }, 'Generate digits from a DBN'),
      h('p', { class: 'hint' }, 'Gibbs sampling in the top RBM, then a down pass to pixels. A digit can be chosen when the DBN was trained with its labels joined to the top RBM.'),
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: el.model.id }, 'Model'), el.model),
        h('div', { class: 'field' }, h('label', { for: el.label.id }, 'Digit'), el.label),
        h('div', { class: 'field' }, h('label', { for: el.chains.id }, 'Chains'), el.chains),
        h('div', { class: 'field' }, h('label', { for: el.steps.id }, 'Gibbs steps'), el.steps)),
      h('div', { class: 'form-actions' }, el.generate, el.genStatus),
      el.frame);

    this.#root.replaceChildren(
      h('div', { class: 'dbn-page' },
        h('section', { class: 'card', 'aria-labelledby': 'dbn-heading' },
          h('div', { class: 'card__header' }, h('h1', { id: 'dbn-heading', class: 'card__title', tabindex: '-1' }, 'Train a deep belief network')),
          h('div', { class: 'presets', role: 'group', 'aria-label': 'Presets' },
            Object.entries(DBN_PRESETS).map(([key, preset]) => h('button', {
              type: 'button', class: 'button button--secondary', dataset: { testid: `dbn-preset-${key}` }, onclick: () => this.applyPreset(preset),
            }, preset.label))),
          h('p', { class: 'hint' }, 'Greedy layer-wise pre-training of a stack of hidden layers, then a classifier: every layer watched live on the job page.'),
          form),
        h('div', { class: 'dbn-side' }, bengio, generation)));
    this.applyPreset(DBN_PRESETS.small);
    applyLimits(this.#root.querySelector('#dbn-form'), { defaults: false }); // the preset fills the values
    limitOf('dbn.layers').then((limit) => {
      if (limit?.max == null) return;
      this.#maxLayers = limit.max;
      this.#renderLayers();
    });
  }

  applyPreset(preset) {
    const el = this.#el;
    el.name.value = preset.name;
    el.dataset.value = 'mnist';
    el.imageSize.value = String(preset.data.imageSize);
    el.limit.value = preset.data.limit ?? '';
    for (const box of el.classes.querySelectorAll('input')) box.checked = !preset.data.classes || preset.data.classes.includes(Number(box.value));
    const dbn = preset.dbn;
    this.#layers = copy(dbn.layers);
    el.visibleType.value = dbn.layers[0]?.visibleType ?? 'Bernoulli';
    el.pretraining.value = dbn.pretraining;
    el.fineTuning.value = dbn.fineTuning;
    el.propagation.value = dbn.propagation;
    el.joinLabels.checked = dbn.joinLabels;
    for (const [key, input] of Object.entries(el.bp)) input.value = dbn.backprop[key];
    el.validation.value = dbn.validation;
    el.testLimit.value = dbn.testLimit ?? '';
    el.seed.value = dbn.seed;
    this.#renderLayers();
    this.#clearErrors();
  }

  #renderLayers() {
    const rows = this.#layers.map((values, i) => h('tr', { dataset: { testid: `dbn-layer-${i}` } },
      h('th', { scope: 'row' }, String(i + 1)),
      LAYER_FIELDS.map((f) => h('td', {}, h('input', {
        type: 'number', inputmode: 'decimal', step: 'any', value: String(values[f.key]),
        'aria-label': `Layer ${i + 1}: ${f.title}`, class: 'dbn-layer-input',
        dataset: { key: `dbn.layers[${i}].${f.key}`, testid: `dbn-layer-${i}-${f.key}`, limit: `dbn.layers[].${f.key}` },
        oninput: (event) => { this.#layers[i][f.key] = event.currentTarget.value; },
      }))),
      h('td', {}, h('button', {
        type: 'button', class: 'button button--link', 'aria-label': `Remove layer ${i + 1}`, disabled: this.#layers.length <= 1,
        dataset: { testid: `dbn-remove-layer-${i}` }, onclick: () => { this.#layers.splice(i, 1); this.#renderLayers(); },
      }, 'Remove'))));
    this.#el.layerRows.replaceChildren(...rows);
    applyLimits(this.#el.layerRows, { defaults: false });
    this.#el.addLayer.disabled = this.#layers.length >= this.#maxLayers;
    this.#showArchitecture();
  }

  #addLayer() {
    if (this.#layers.length >= this.#maxLayers) return;
    const last = this.#layers.at(-1) ?? layer(100, 5);
    this.#layers.push({ ...copy(last), visibleType: 'Bernoulli' });
    this.#renderLayers();
    this.#el.layerRows.querySelector(`[data-key="dbn.layers[${this.#layers.length - 1}].hiddenUnits"]`)?.focus();
  }

  #showArchitecture() {
    const el = this.#el;
    if (!el.architecture) return;
    const side = Number(el.imageSize.value) || 28;
    const units = [side * side, ...this.#layers.map((l) => l.hiddenUnits)];
    if (el.fineTuning.value !== 'none') units.push(10);
    el.architecture.textContent = `Architecture ${units.join('-')}`;
  }

  // ---------- request ----------

  #request() {
    const el = this.#el;
    const classes = [...el.classes.querySelectorAll('input:checked')].map((box) => Number(box.value));
    const data = { dataset: el.dataset.value, imageSize: Number(el.imageSize.value) };
    if (el.dataset.value !== 'mnist') {
      data.dataset = 'user';
      data.datasetId = el.dataset.value;
    }
    const limit = numberOrNull(el.limit);
    if (limit !== null) data.limit = limit;
    if (classes.length < 10) data.classes = classes;
    const layers = this.#layers.map((values, i) => {
      const out = {};
      for (const f of LAYER_FIELDS) {
        const value = Number(values[f.key]);
        out[f.key] = Number.isFinite(value) && String(values[f.key]).trim() !== '' ? value : values[f.key];
      }
      if (i === 0) out.visibleType = el.visibleType.value;
      return out;
    });
    const backprop = {};
    for (const [key, input] of Object.entries(el.bp)) backprop[key] = numberOrNull(input) ?? 0;
    const dbn = {
      layers,
      pretraining: el.pretraining.value,
      fineTuning: el.fineTuning.value,
      propagation: el.propagation.value,
      joinLabels: el.joinLabels.checked,
      backprop,
      validation: numberOrNull(el.validation) ?? 0,
      seed: numberOrNull(el.seed) ?? 1,
    };
    const testLimit = numberOrNull(el.testLimit);
    if (testLimit !== null) dbn.testLimit = testLimit;
    return { kind: 'dbn', name: el.name.value, data, dbn };
  }

  async #submit() {
    const el = this.#el;
    this.#clearErrors();
    el.submit.disabled = true;
    el.status.textContent = 'Submitting…';
    try {
      const job = await api.submitJob(this.#request());
      el.status.textContent = '';
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (error) {
      el.status.textContent = '';
      this.#showErrors(error);
    } finally {
      el.submit.disabled = false;
    }
  }

  #clearErrors() {
    const el = this.#el;
    el.summary.hidden = true;
    el.summary.replaceChildren();
    for (const p of this.#root.querySelectorAll('#dbn-form [data-error-for]')) p.textContent = '';
    for (const input of this.#root.querySelectorAll('#dbn-form [aria-invalid]')) input.removeAttribute('aria-invalid');
  }

  #showErrors(error) {
    const el = this.#el;
    const errors = error instanceof ApiError ? error.errors : {};
    const items = [];
    for (const [key, messages] of Object.entries(errors)) {
      const text = messages.join(' ');
      const input = this.#root.querySelector(`#dbn-form [data-key="${CSS.escape(key)}"]`);
      input?.setAttribute('aria-invalid', 'true');
      const slot = this.#root.querySelector(`#dbn-form [data-error-for="${CSS.escape(key)}"]`);
      if (slot) slot.textContent = text;
      items.push(h('li', {}, h('code', {}, key), `: ${text}`));
    }
    el.summary.replaceChildren(
      h('strong', {}, items.length ? 'The job was not started — please fix:' : (error?.message ?? 'The job could not be submitted.')),
      items.length ? h('ul', {}, items) : null);
    el.summary.hidden = false;
    el.summary.focus?.();
  }

  async #loadSources() {
    const el = this.#el;
    try {
      const datasets = await api.listDatasets();
      const current = el.dataset.value;
      el.dataset.replaceChildren(
        h('option', { value: 'mnist' }, 'MNIST digits'),
        ...(datasets ?? []).filter((d) => d.hasLabels).map((d) => h('option', { value: d.id }, `${d.name} (${d.count} rows, labelled)`)));
      el.dataset.value = [...el.dataset.options].some((o) => o.value === current) ? current : 'mnist';
    } catch {
      // MNIST stays available.
    }
  }

  // ---------- Bengio table ----------

  async #startBengio(button) {
    const el = this.#el;
    button.disabled = true;
    el.bengioStatus.textContent = 'Starting…';
    try {
      const experiment = await api.startExperiment({ kind: 'bengio2007', scale: el.scale.value });
      el.bengioStatus.textContent = '';
      location.hash = `#/experiments/${encodeURIComponent(experiment.id)}`;
    } catch (error) {
      el.bengioStatus.textContent = `Could not start the table: ${error?.message ?? error}`;
    } finally {
      button.disabled = false;
    }
  }

  // ---------- generation ----------

  async #loadModels(wanted = null) {
    const el = this.#el;
    try {
      // The list's rows carry no metrics: whether labels were joined comes from the model's spec.
      const models = (await api.listModels() ?? []).filter((m) => m.kind === 'dbn');
      const current = el.model.value;
      el.model.replaceChildren(...(models.length
        ? models.map((m) => h('option', { value: m.id, dataset: { labelUnits: String(m.metrics?.labelUnits ?? (m.dbn?.joinLabels ? 10 : 0)) } },
          `${m.name} · ${m.architecture ?? m.metrics?.architecture ?? ''} · ${formatDate(m.createdAt)}`))
        : [h('option', { value: '' }, 'No trained DBN yet')]));
      const pick = [wanted, current].find((value) => value && [...el.model.options].some((o) => o.value.toLowerCase() === value.toLowerCase()));
      if (pick) el.model.value = [...el.model.options].find((o) => o.value.toLowerCase() === pick.toLowerCase()).value;
      el.generate.disabled = models.length === 0 && !this.#stopGeneration;
      this.#syncLabel();
    } catch {
      el.model.replaceChildren(h('option', { value: '' }, 'Models could not be loaded'));
    }
  }

  /** A digit can only be chosen for a DBN trained with its labels joined to the top RBM. */
  #syncLabel() {
    const el = this.#el;
    const option = el.model.selectedOptions[0];
    const labelled = Boolean(option?.value) && option.dataset.labelUnits !== '0';
    el.label.disabled = !labelled;
    if (!labelled) el.label.value = '';
    el.label.title = labelled ? '' : 'This model was trained without label units: it samples any digit.';
  }

  async #toggleGeneration() {
    const el = this.#el;
    if (this.#stopGeneration) {
      this.#stopGeneration();
      return;
    }
    if (!el.model.value) {
      el.genStatus.textContent = 'Train a DBN first.';
      return;
    }
    const request = {
      modelId: el.model.value,
      chains: Number(el.chains.value) || 20,
      steps: Number(el.steps.value) || 200,
      label: el.label.value === '' ? null : Number(el.label.value),
    };
    el.generate.textContent = 'Stop';
    el.genStatus.textContent = 'Sampling…';
    try {
      this.#stopGeneration = await dbnHub.stream('Generate', request, {
        onItem: (frame) => {
          el.frame.src = `data:image/png;base64,${frame.pngBase64}`;
          el.frame.alt = `Generated digits after ${frame.step} Gibbs steps`;
          el.frame.hidden = false;
          el.genStatus.textContent = `Step ${frame.step} of ${request.steps}`;
        },
        onDone: (error) => {
          this.#stopGeneration = null;
          el.generate.textContent = 'Generate';
          if (error) el.genStatus.textContent = hubMessage(error);
        },
      });
    } catch (error) {
      this.#stopGeneration = null;
      el.generate.textContent = 'Generate';
      el.genStatus.textContent = hubMessage(error);
    }
  }
}
