// The CNN page (#/cnn): build a network (presets, an editable layer list with the shape after every layer),
// pick the data, the optimizer and augmentation, and submit a "cnn" job; server errors appear next to the
// field or the layer they name ("cnn.layers[3]").

import { api } from './api.js';
import { ApiError } from './http.js';
import { h } from './dom.js';
import { LAYER_FIELDS, LAYER_TYPES, PRESETS, copyLayers, describeLayer, formatShape, inferShapes, newLayer } from './cnnShapes.js';

const MNIST_CLASSES = 10;

/** Form fields outside the layer list: [name, label, attributes, hint, default]. */
const OPTIMIZER_FIELDS = [
  ['cnn.learningRate', 'Learning rate', { type: 'number', step: 'any', min: '0', max: '10' }, '(0, 10]; Adam ≈ 0.001, SGD ≈ 0.05', '0.001'],
  ['cnn.momentum', 'Momentum (SGD)', { type: 'number', step: 'any', min: '0', max: '1' }, '[0, 1)', '0.9'],
  ['cnn.weightDecay', 'Weight decay', { type: 'number', step: 'any', min: '0', max: '1' }, 'L2 on weights, [0, 1]', '0'],
  ['cnn.learningRateDecay', 'Learning-rate decay', { type: 'number', step: 'any', min: '0', max: '1' }, 'ε per epoch × this, (0, 1]', '1'],
  ['cnn.batchSize', 'Batch size', { type: 'number', step: '1', min: '1', max: '1024' }, '1–1024', '64'],
  ['cnn.epochs', 'Epochs', { type: 'number', step: '1', min: '1', max: '200' }, '1–200', '3'],
  ['cnn.seed', 'Seed', { type: 'number', step: '1', min: '0' }, 'same seed, same run', '1'],
];

const DATA_FIELDS = [
  ['data.limit', 'Training digits', { type: 'number', step: '1', min: '1', max: '60000' }, 'first N of the training split (empty = all 60000)', '5000'],
  ['cnn.validation', 'Validation rows', { type: 'number', step: '1', min: '0', max: '20000' }, 'the last N training rows are held out (0 = none)', '500'],
  ['cnn.testLimit', 'Test digits', { type: 'number', step: '1', min: '1', max: '10000' }, 'first N of the 10000 test digits (empty = all)', ''],
];

const AUGMENT_FIELDS = [
  ['cnn.augment.rotation', 'Rotation ±°', { type: 'number', step: 'any', min: '0', max: '45' }, '0–45', '10'],
  ['cnn.augment.scale', 'Scale ±', { type: 'number', step: 'any', min: '0', max: '0.5' }, '0–0.5', '0.1'],
  ['cnn.augment.shift', 'Shift ± px', { type: 'number', step: 'any', min: '0', max: '8' }, '0–8', '2'],
];

const fieldId = (name) => `cnn-f-${name.replace(/[.[\]]+/g, '-')}`;
const errorId = (name) => `cnn-err-${name.replace(/[.[\]]+/g, '-')}`;

function field(name, label, attributes, hint, value) {
  const id = fieldId(name);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    h('input', { id, name, value, inputmode: attributes.step === '1' ? 'numeric' : 'decimal', 'aria-describedby': `${id}-hint ${errorId(name)}`, ...attributes }),
    h('p', { class: 'field__hint', id: `${id}-hint` }, hint),
    h('p', { class: 'field__error', id: errorId(name), dataset: { errorFor: name } }));
}

export class CnnPage {
  #root;
  #built = false;
  #form;
  #layers = copyLayers(PRESETS.small.layers);
  #preset = 'small';
  #datasets = [];
  #layerList;
  #outputNote;
  #summary;
  #submit;
  #serverLayerErrors = new Map();

  constructor(root) {
    this.#root = root;
  }

  /** @param {string} path the hash after "#/cnn" (unused). */
  show(path) {
    void path;
    if (!this.#built) this.#build();
    this.#root.hidden = false;
    this.#loadDatasets();
  }

  hide() {
    this.#root.hidden = true;
  }

  // ---------- building ----------

  #build() {
    this.#built = true;
    this.#layerList = h('ol', { class: 'cnn-layers', id: 'cnn-layers', dataset: { testid: 'cnn-layers' }, 'aria-label': 'Layers' });
    this.#outputNote = h('p', { class: 'cnn-output muted', id: 'cnn-output', dataset: { testid: 'cnn-output' }, 'aria-live': 'polite' });
    this.#summary = h('div', { class: 'notice notice--error', id: 'cnn-form-summary', role: 'alert', hidden: true, dataset: { testid: 'cnn-form-summary' } });
    this.#submit = h('button', { type: 'submit', class: 'button button--primary', id: 'cnn-submit', dataset: { testid: 'cnn-submit' } }, 'Train CNN');

    const addType = h('select', { id: 'cnn-add-type', 'aria-label': 'Type of the layer to add', dataset: { testid: 'cnn-add-type' } },
      LAYER_TYPES.map((t) => h('option', { value: t.type }, t.label)));
    const addButton = h('button', { type: 'button', class: 'button button--secondary', id: 'cnn-add-layer', dataset: { testid: 'cnn-add-layer' }, onclick: () => {
      this.#layers.push(newLayer(addType.value));
      this.#preset = null;
      this.#renderLayers();
      this.#layerList.lastElementChild?.querySelector('select, input')?.focus();
    } }, 'Add layer');

    const dataSource = h('select', { id: 'cnn-f-data-source', name: 'data.source', 'aria-describedby': errorId('data.datasetId'), onchange: () => this.#onDataChanged() },
      h('option', { value: 'mnist' }, 'MNIST (built in)'));
    const imageSize = h('select', { id: 'cnn-f-data-imageSize', name: 'data.imageSize', 'aria-describedby': errorId('data.imageSize'), onchange: () => this.#renderLayers() },
      h('option', { value: '28' }, '28×28 (as stored)'),
      h('option', { value: '16', selected: true }, '16×16 (faster)'));
    const augmentToggle = h('input', { type: 'checkbox', id: 'cnn-f-augment', name: 'cnn.augment.enabled', dataset: { testid: 'cnn-augment' }, onchange: () => this.#syncAugment() });

    this.#form = h('form', { id: 'cnn-form', class: 'cnn-form', novalidate: true, dataset: { testid: 'cnn-form' }, onsubmit: (event) => { event.preventDefault(); this.#submitJob(); } },
      h('div', { class: 'field', dataset: { field: 'name' } },
        h('label', { for: 'cnn-f-name' }, 'Job name'),
        h('input', { id: 'cnn-f-name', name: 'name', type: 'text', maxlength: '200', value: 'CNN job', autocomplete: 'off', 'aria-describedby': errorId('name') }),
        h('p', { class: 'field__error', id: errorId('name'), dataset: { errorFor: 'name' } })),

      h('fieldset', { class: 'group', 'aria-describedby': errorId('cnn.layers') },
        h('legend', {}, 'Architecture'),
        h('div', { class: 'cnn-presets' },
          h('span', { class: 'muted' }, 'Presets:'),
          h('button', { type: 'button', class: 'button button--secondary', id: 'cnn-preset-lenet5', dataset: { testid: 'cnn-preset-lenet5' }, onclick: () => this.applyPreset('lenet5') }, 'LeNet-5'),
          h('button', { type: 'button', class: 'button button--secondary', id: 'cnn-preset-small', dataset: { testid: 'cnn-preset-small' }, onclick: () => this.applyPreset('small') }, 'Small fast net')),
        h('p', { class: 'cnn-input muted', id: 'cnn-input-shape', dataset: { testid: 'cnn-input-shape' } }),
        this.#layerList,
        this.#outputNote,
        h('p', { class: 'field__error', id: errorId('cnn.layers'), dataset: { errorFor: 'cnn.layers' } }),
        h('p', { class: 'field__error', id: errorId('cnn.preset'), dataset: { errorFor: 'cnn.preset' } }),
        h('div', { class: 'cnn-add' }, addType, addButton)),

      h('fieldset', { class: 'group' },
        h('legend', {}, 'Data'),
        h('div', { class: 'field-row' },
          h('div', { class: 'field', dataset: { field: 'data.datasetId' } },
            h('label', { for: 'cnn-f-data-source' }, 'Data set'),
            dataSource,
            h('p', { class: 'field__hint' }, 'MNIST or an uploaded labelled image data set'),
            h('p', { class: 'field__error', id: errorId('data.datasetId'), dataset: { errorFor: 'data.datasetId' } })),
          h('div', { class: 'field', dataset: { field: 'data.imageSize', mnistOnly: 'true' } },
            h('label', { for: 'cnn-f-data-imageSize' }, 'Image size'),
            imageSize,
            h('p', { class: 'field__error', id: errorId('data.imageSize'), dataset: { errorFor: 'data.imageSize' } })),
          ...DATA_FIELDS.map((f) => field(...f))),
        h('p', { class: 'field__error', id: errorId('data.split'), dataset: { errorFor: 'data.split' } })),

      h('fieldset', { class: 'group' },
        h('legend', {}, 'Optimizer'),
        h('div', { class: 'field-row' },
          h('div', { class: 'field', dataset: { field: 'cnn.optimizer' } },
            h('label', { for: 'cnn-f-cnn-optimizer' }, 'Optimizer'),
            h('select', { id: 'cnn-f-cnn-optimizer', name: 'cnn.optimizer', 'aria-describedby': errorId('cnn.optimizer'), onchange: (event) => this.#onOptimizerChanged(event.target.value) },
              h('option', { value: 'adam' }, 'Adam'),
              h('option', { value: 'sgd' }, 'SGD with momentum')),
            h('p', { class: 'field__error', id: errorId('cnn.optimizer'), dataset: { errorFor: 'cnn.optimizer' } })),
          h('div', { class: 'field', dataset: { field: 'cnn.init' } },
            h('label', { for: 'cnn-f-cnn-init' }, 'Initialization'),
            h('select', { id: 'cnn-f-cnn-init', name: 'cnn.init', 'aria-describedby': errorId('cnn.init') },
              h('option', { value: '' }, 'automatic (He before ReLU, else Glorot)'),
              h('option', { value: 'he' }, 'He (normal)'),
              h('option', { value: 'glorot' }, 'Glorot (uniform)')),
            h('p', { class: 'field__error', id: errorId('cnn.init'), dataset: { errorFor: 'cnn.init' } })),
          ...OPTIMIZER_FIELDS.map((f) => field(...f)))),

      h('fieldset', { class: 'group' },
        h('legend', {}, 'Augmentation'),
        h('div', { class: 'field field--check' },
          h('label', { class: 'check' }, augmentToggle, ' ', h('span', {}, 'Random affine distortions of every training minibatch'))),
        h('div', { class: 'field-row', id: 'cnn-augment-fields', hidden: true }, ...AUGMENT_FIELDS.map((f) => field(...f)))),

      this.#summary,
      h('div', { class: 'form-actions' }, this.#submit));

    this.#form.addEventListener('input', (event) => {
      const name = event.target?.name;
      if (name) this.#clearError(name);
    });

    this.#root.replaceChildren(
      h('section', { class: 'card', 'aria-labelledby': 'cnn-heading' },
        h('div', { class: 'card__header' },
          h('h1', { id: 'cnn-heading', class: 'card__title', tabindex: '-1' }, 'Train a convolutional network')),
        h('p', { class: 'hint' },
          'Convolution A', h('sub', {}, 'ij'), ' = Σ', h('sub', {}, 'kl'), ' W', h('sub', {}, 'kl'), ' X', h('sub', {}, 'i+k,j+l'),
          ' with several kernels (feature maps), pooling, then fully connected layers; the softmax output with cross-entropy is implied by the last dense layer (one unit per class).'),
        this.#form));
    this.#renderLayers();
  }

  async #loadDatasets() {
    try {
      const datasets = await api.listDatasets();
      this.#datasets = datasets.filter((d) => d.hasLabels);
    } catch {
      this.#datasets = [];
    }
    const select = this.#form.elements['data.source'];
    const current = select.value;
    select.replaceChildren(
      h('option', { value: 'mnist' }, 'MNIST (built in)'),
      ...this.#datasets.map((d) => h('option', { value: d.id }, `${d.name} — ${d.count} images ${d.width}×${d.height}, classes ${(d.classes ?? []).join(', ')}`)));
    select.value = [...select.options].some((o) => o.value === current) ? current : 'mnist';
    this.#onDataChanged();
  }

  /** Fills the layers and the preset's whole recipe: input size, training rows, optimizer, schedule, distortions. */
  applyPreset(name) {
    const preset = PRESETS[name];
    if (!preset) return;
    this.#preset = name;
    this.#layers = copyLayers(preset.layers);
    const classes = this.#classes();
    const last = this.#layers.at(-1);
    if (last?.type === 'dense') last.units = classes;
    const form = this.#form.elements;
    const { data, cnn } = preset.job;
    const set = (field, value) => { form[field].value = value === null || value === undefined ? '' : String(value); };
    set('name', preset.job.name);
    if (form['data.source'].value === 'mnist') set('data.imageSize', data.imageSize);
    set('data.limit', data.limit);
    set('cnn.validation', cnn.validation);
    set('cnn.testLimit', cnn.testLimit);
    set('cnn.optimizer', cnn.optimizer);
    for (const [field] of OPTIMIZER_FIELDS) set(field, cnn[field.slice(4)]);
    form['cnn.augment.enabled'].checked = Boolean(cnn.augment);
    if (cnn.augment) for (const [field] of AUGMENT_FIELDS) set(field, cnn.augment[field.slice(12)]);
    this.#syncAugment();
    this.#serverLayerErrors.clear();
    this.#renderLayers();
  }

  #onOptimizerChanged(optimizer, keep = false) {
    const rate = this.#form.elements['cnn.learningRate'];
    if (!keep || !rate.value) rate.value = optimizer === 'sgd' ? '0.05' : '0.001';
  }

  #syncAugment() {
    const on = this.#form.elements['cnn.augment.enabled'].checked;
    this.#root.querySelector('#cnn-augment-fields').hidden = !on;
  }

  #onDataChanged() {
    const mnist = this.#form.elements['data.source'].value === 'mnist';
    for (const element of this.#root.querySelectorAll('[data-mnist-only]')) element.hidden = !mnist;
    const last = this.#layers.at(-1);
    if (this.#preset && last?.type === 'dense') last.units = this.#classes();
    this.#renderLayers();
  }

  #dataset() {
    const source = this.#form.elements['data.source'].value;
    return source === 'mnist' ? null : this.#datasets.find((d) => d.id === source) ?? null;
  }

  #classes() {
    const dataset = this.#dataset();
    return dataset ? Math.max(...(dataset.classes ?? [1])) + 1 : MNIST_CLASSES;
  }

  #inputShape() {
    const dataset = this.#dataset();
    if (dataset) {
      return dataset.width > 0 && dataset.height > 0
        ? { channels: 1, height: dataset.height, width: dataset.width }
        : { channels: 1, height: 1, width: dataset.features };
    }
    const side = Number(this.#form.elements['data.imageSize'].value);
    return { channels: 1, height: side, width: side };
  }

  // ---------- the layer list ----------

  /** Rebuilds the list (structural changes), then fills in shapes and errors. */
  #renderLayers() {
    const focused = document.activeElement;
    const focusKey = focused && this.#layerList.contains(focused) ? focused.dataset.key : null;
    this.#layerList.replaceChildren(...this.#layers.map((layer, i) => this.#layerItem(layer, i)));
    if (focusKey) this.#layerList.querySelector(`[data-key="${focusKey}"]`)?.focus();
    this.#updateShapes();
  }

  /** Shapes after every layer and the first error, in place (typing in a field keeps its focus and caret). */
  #updateShapes() {
    const input = this.#inputShape();
    const classes = this.#classes();
    const { shapes, errors, impliedOutput, output } = inferShapes(input, this.#layers, classes);
    this.#root.querySelector('#cnn-input-shape').textContent = `Input: ${formatShape(input)} (channels × height × width)`;
    [...this.#layerList.children].forEach((item, i) => {
      const error = errors.get(i) ?? this.#serverLayerErrors.get(i) ?? '';
      const shape = shapes[i + 1];
      item.querySelector('.cnn-layer__shape').textContent = shape ? `→ ${formatShape(shape)}` : '→ ?';
      item.querySelector('.cnn-layer__shape').setAttribute('aria-label', `Layer ${i + 1} (${describeLayer(this.#layers[i])}) output shape ${shape ? formatShape(shape) : 'unknown'}`);
      const errorElement = item.querySelector('.field__error');
      errorElement.textContent = error;
      item.classList.toggle('cnn-layer--invalid', error !== '');
      if (error) item.setAttribute('aria-invalid', 'true');
      else item.removeAttribute('aria-invalid');
    });
    this.#outputNote.textContent = output
      ? `${impliedOutput ? `Output (implied): dense ${classes} → softmax` : 'Output: the last dense layer → softmax'} over ${classes} classes, cross-entropy loss.`
      : 'Fix the marked layer to see the output shape.';
    this.#layerList.dataset.valid = String(errors.size === 0);
    const listError = this.#root.querySelector(`#${errorId('cnn.layers')}`);
    if (errors.has(-1)) listError.textContent = errors.get(-1);
    else if (listError.dataset.server !== 'true') listError.textContent = '';
  }

  #layerItem(layer, index) {
    const key = (suffix) => `${index}-${suffix}`;
    const typeSelect = h('select', {
      id: `cnn-layer-${index}-type`,
      'aria-label': `Layer ${index + 1} type`,
      dataset: { key: key('type'), testid: `cnn-layer-type-${index}` },
      onchange: (event) => {
        this.#layers[index] = newLayer(event.target.value);
        this.#changed();
      },
    }, LAYER_TYPES.map((t) => h('option', { value: t.type, selected: t.type === layer.type }, t.label)));
    const inputs = (LAYER_FIELDS[layer.type] ?? []).map((f) => h('label', { class: 'cnn-layer__field' },
      h('span', {}, f.label),
      h('input', {
        type: 'number',
        min: String(f.min),
        max: String(f.max),
        step: String(f.step),
        value: layer[f.name] ?? '',
        inputmode: f.step === 1 ? 'numeric' : 'decimal',
        'aria-label': `Layer ${index + 1} ${f.label.toLowerCase()}`,
        dataset: { key: key(f.name), testid: `cnn-layer-${f.name}-${index}` },
        oninput: (event) => {
          const raw = event.target.value;
          this.#layers[index][f.name] = raw === '' ? null : Number(raw);
          this.#changed(false);
        },
      })));
    const move = (delta) => {
      const target = index + delta;
      if (target < 0 || target >= this.#layers.length) return;
      [this.#layers[index], this.#layers[target]] = [this.#layers[target], this.#layers[index]];
      this.#changed();
      this.#layerList.children[target]?.querySelector(delta < 0 ? '[data-action="up"]' : '[data-action="down"]')?.focus();
    };
    const errorElement = h('p', { class: 'field__error', id: `cnn-err-layer-${index}`, dataset: { errorFor: `cnn.layers[${index}]`, testid: `cnn-layer-error-${index}` }, 'aria-live': 'polite' });
    return h('li', { class: 'cnn-layer', dataset: { testid: `cnn-layer-${index}`, type: layer.type } },
      h('span', { class: 'cnn-layer__index', 'aria-hidden': 'true' }, String(index + 1)),
      typeSelect,
      ...inputs,
      h('output', { class: 'cnn-layer__shape', for: `cnn-layer-${index}-type`, dataset: { testid: `cnn-layer-shape-${index}` } }),
      h('span', { class: 'cnn-layer__actions' },
        h('button', { type: 'button', class: 'button button--icon', dataset: { action: 'up', key: key('up') }, disabled: index === 0, 'aria-label': `Move layer ${index + 1} up`, onclick: () => move(-1) }, '↑'),
        h('button', { type: 'button', class: 'button button--icon', dataset: { action: 'down', key: key('down') }, disabled: index === this.#layers.length - 1, 'aria-label': `Move layer ${index + 1} down`, onclick: () => move(1) }, '↓'),
        h('button', { type: 'button', class: 'button button--icon button--danger-text', dataset: { action: 'remove', key: key('remove'), testid: `cnn-layer-remove-${index}` }, 'aria-label': `Remove layer ${index + 1}`, onclick: () => {
          this.#layers.splice(index, 1);
          this.#changed();
          (this.#layerList.children[Math.min(index, this.#layers.length - 1)]?.querySelector('select') ?? this.#root.querySelector('#cnn-add-type'))?.focus();
        } }, '✕')),
      errorElement);
  }

  /** A layer changed: structural changes rebuild the list, field edits only refresh the shapes. */
  #changed(structural = true) {
    this.#preset = null;
    this.#serverLayerErrors.clear();
    this.#root.querySelector(`#${errorId('cnn.layers')}`).dataset.server = 'false';
    if (structural) this.#renderLayers();
    else this.#updateShapes();
  }

  // ---------- submitting ----------

  #number(name) {
    const value = this.#form.elements[name]?.value?.trim();
    return value === undefined || value === '' ? undefined : Number(value);
  }

  #request() {
    const form = this.#form.elements;
    const source = form['data.source'].value;
    const data = source === 'mnist'
      ? { dataset: 'mnist', imageSize: Number(form['data.imageSize'].value), limit: this.#number('data.limit') }
      : { dataset: 'user', datasetId: source, limit: this.#number('data.limit') };
    const cnn = {
      preset: this.#preset ?? undefined,
      layers: this.#layers.map((layer) => ({ ...layer })),
      optimizer: form['cnn.optimizer'].value,
      init: form['cnn.init'].value || undefined,
      validation: this.#number('cnn.validation') ?? 0,
      testLimit: source === 'mnist' ? this.#number('cnn.testLimit') : undefined,
    };
    for (const [name] of OPTIMIZER_FIELDS) {
      const value = this.#number(name);
      if (value !== undefined) cnn[name.slice(4)] = value;
    }
    if (form['cnn.augment.enabled'].checked) {
      cnn.augment = {
        rotation: this.#number('cnn.augment.rotation') ?? 0,
        scale: this.#number('cnn.augment.scale') ?? 0,
        shift: this.#number('cnn.augment.shift') ?? 0,
      };
    }
    return { kind: 'cnn', name: form.name.value.trim() || undefined, data, cnn };
  }

  async #submitJob() {
    this.#clearErrors();
    this.#submit.disabled = true;
    this.#submit.textContent = 'Submitting…';
    try {
      const job = await api.submitJob(this.#request());
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (error) {
      this.#showErrors(error);
    } finally {
      this.#submit.disabled = false;
      this.#submit.textContent = 'Train CNN';
    }
  }

  #clearErrors() {
    this.#summary.hidden = true;
    this.#summary.replaceChildren();
    this.#serverLayerErrors.clear();
    for (const element of this.#root.querySelectorAll('[data-error-for]')) {
      if (!element.dataset.errorFor.startsWith('cnn.layers[')) element.textContent = '';
      element.dataset.server = 'false';
    }
    for (const input of this.#root.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute('aria-invalid');
    this.#updateShapes();
  }

  #clearError(name) {
    const element = this.#root.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (element && !name.startsWith('cnn.layers')) element.textContent = '';
    this.#form.elements[name]?.removeAttribute?.('aria-invalid');
  }

  #showErrors(error) {
    const errors = error instanceof ApiError ? error.errors : {};
    const items = [];
    for (const [key, messages] of Object.entries(errors ?? {})) {
      const text = (messages ?? []).join(' ');
      const layer = /^cnn\.layers\[(\d+)\]$/.exec(key);
      if (layer) {
        this.#serverLayerErrors.set(Number(layer[1]), text);
      } else {
        const target = this.#root.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
        if (target) {
          target.textContent = text;
          target.dataset.server = 'true';
          const input = this.#form.elements[key];
          if (input?.setAttribute) input.setAttribute('aria-invalid', 'true');
        }
      }
      items.push(h('li', {}, `${key}: ${text}`));
    }
    this.#updateShapes();
    this.#summary.replaceChildren(
      h('p', {}, error?.message || 'The job could not be submitted.'),
      items.length ? h('ul', {}, items) : null);
    this.#summary.hidden = false;
    const firstLayerError = this.#layerList.querySelector('.cnn-layer--invalid select');
    (firstLayerError ?? this.#summary).focus?.();
  }
}
