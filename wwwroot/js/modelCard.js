// The model card: #/models/{id} (signed-in readers; the owner edits) and #/shared/{token} (anyone holding an
// unlisted link; read-only). Name, author, provenance, description, hyperparameters, data spec, metric history
// (the job's curve, drawn with learningCurve.js / charts.js), images, Try it, download, fork and — for the owner —
// who can see it: private, shared with classes, unlisted link (copy, rotate, revoke) or public.

import { api } from './api.js';
import { ApiError, fieldErrors, problemText } from './http.js';
import { EpochChart, cssVar } from './charts.js';
import { h } from './dom.js';
import { formatBytes, formatClasses, formatDate, formatError } from './format.js';
import { kindLabel, kindOf } from './kinds.js';
import { LearningCurve } from './learningCurve.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, problemNotice, showFieldError, visibilityLabel, visibilityTag } from './sharingUi.js';
import { TryPanel } from './tryIt.js';

const LAYER_COLOURS = ['#2457c5', '#e07a1f', '#1e7b40', '#9b3fb5', '#b42318', '#0f7c8c', '#6b5b00', '#555f6e'];
const DESCRIPTION_MAX = 4000;

const VISIBILITIES = [
  { value: 'Private', label: 'Private', hint: 'only you' },
  { value: 'Class', label: 'Shared with my classes', hint: 'members of the classes you tick' },
  { value: 'Unlisted', label: 'Unlisted link', hint: 'anyone who has the link, even without an account' },
  { value: 'Public', label: 'Public', hint: 'every signed-in user of this server' },
];

/** "hiddenUnits" → "hidden units" */
const words = (key) => String(key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();

function valueText(value) {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatError(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return value.map(valueText).join(', ') || '–';
    return value.map((v, i) => `${i + 1}: ${valueText(v)}`).join('; ');
  }
  if (typeof value === 'object') {
    return Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${words(k)} ${valueText(v)}`).join(', ');
  }
  return String(value);
}

/** A definition list of an object's fields; nested objects and arrays become one line each. */
function describe(object, testid) {
  const rows = Object.entries(object ?? {}).filter(([, v]) => v !== null && v !== undefined);
  if (rows.length === 0) return h('p', { class: 'empty' }, 'Not recorded.');
  return h('dl', { class: 'settings', dataset: testid ? { testid } : undefined },
    rows.flatMap(([key, value]) => [h('dt', {}, words(key)), h('dd', {}, valueText(value))]));
}

function dataSummary(model) {
  const data = model.data ?? {};
  const rows = {};
  if (model.patches?.spec) {
    const p = model.patches.spec;
    rows['train image'] = p.trainImage;
    rows['test image'] = p.testImage;
    rows['patch size'] = `${p.patchSize}×${p.patchSize}`;
    rows.patches = p.patchCount;
    rows.standardization = `${p.standardization}${p.zca ? ' + ZCA' : ''}`;
  } else {
    rows['data set'] = data.dataset === 'user' ? `my data set${data.datasetId ? ` ${data.datasetId}` : ''}` : (data.dataset ?? 'mnist').toUpperCase();
    if (data.split) rows.split = data.split;
    rows.digits = formatClasses(data.classes);
    rows.limit = data.limit ?? 'all';
    rows.binarized = data.binarizeThreshold === null || data.binarizeThreshold === undefined ? 'no (grayscale)' : `at ${data.binarizeThreshold}`;
  }
  rows['image size'] = model.imageWidth && model.imageHeight ? `${model.imageWidth}×${model.imageHeight} px` : null;
  rows['visible units'] = model.visibleUnits;
  return rows;
}

/** The model card with its sharing part (ModelDto.sharing: owner, visibility, classIds, description…) on top level. */
function flatten(model) {
  return model?.sharing ? { ...model, ...model.sharing } : model;
}

/** The image kind of an evaluation that renders one. */
const EVALUATION_IMAGES = {
  perClass: ['per-class', 'Test digits of every class (top rows) and their reconstructions'],
  patchReconstruction: ['patch-reconstruction', 'Patch reconstruction: the test image, from binary features and from probabilities'],
};


export class ModelCardPage {
  #root;
  #shared;
  #source = null;
  #model = null;
  #el = null;
  #try = null;
  #version = 0;
  #classes = null;

  /**
   * @param {HTMLElement} root
   * @param {{ shared?: boolean, signedIn?: () => boolean }} options shared: the #/shared/{token} view
   */
  constructor(root, { shared = false, signedIn = () => true } = {}) {
    this.#root = root;
    this.#shared = shared;
    this.signedIn = signedIn;
  }

  show(path) {
    this.#root.hidden = false;
    const key = decodeURIComponent(/^\/([^/?#]+)/.exec(path ?? '')?.[1] ?? '');
    this.#source = this.#shared ? { token: key } : { modelId: key };
    this.#load();
  }

  hide() {
    this.#root.hidden = true;
    this.#version++;
    this.#try?.dispose();
    this.#try = null;
  }

  async #load() {
    const version = ++this.#version;
    this.#classes = null; // classes may have been created or joined since the last card
    this.#try?.dispose();
    this.#try = null;
    this.#root.replaceChildren(
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Loading the model…'),
      h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    this.#root.setAttribute('aria-busy', 'true');
    try {
      const model = this.#shared ? await sharingApi.getShared(this.#source.token) : await sharingApi.getModel(this.#source.modelId);
      if (version !== this.#version) return;
      this.#model = flatten(model);
      this.#render();
    } catch (error) {
      if (version !== this.#version) return;
      this.#renderFailure(error);
    } finally {
      if (version === this.#version) this.#root.setAttribute('aria-busy', 'false');
    }
  }

  get #canEdit() {
    return !this.#shared && this.#model?.canEdit === true;
  }

  #renderFailure(error) {
    const notFound = error instanceof ApiError && error.status === 404;
    this.#root.replaceChildren(
      h('p', { class: 'back' }, h('a', { href: this.signedIn() ? '#/gallery' : '#/' }, this.signedIn() ? '← Gallery' : '← Sign in')),
      h('section', { class: 'card', dataset: { testid: notFound ? 'model-not-found' : 'model-error' } },
        h('h1', { class: 'card__title', tabindex: '-1' }, notFound ? 'Model not found' : 'Could not load the model'),
        notFound
          ? h('p', {}, this.#shared
            ? 'This link does not lead to a model: it may have been revoked or replaced by a new one. Ask the owner for the current link.'
            : 'There is no model with this id that you may see. It may have been deleted, or its owner has not shared it with you.')
          : null,
        problemNotice(error)));
    document.title = `${notFound ? 'Model not found' : 'Error'} · DeepNetService`;
  }

  // ---------- the card ----------

  #render() {
    const model = this.#model;
    const el = {};
    this.#el = el;
    document.title = `${model.name || 'Model'} · DeepNetService`;

    el.title = h('h1', { id: 'model-card-heading', class: 'card__title', tabindex: '-1', dataset: { testid: 'model-name' } }, model.name || 'Model');
    el.meta = h('div', { class: 'model-meta' });
    el.provenance = h('p', { class: 'model-provenance', dataset: { testid: 'model-provenance' } });
    el.stats = h('dl', { class: 'stats' });
    el.actions = h('div', { class: 'job-actions' });
    this.#renderHead();

    this.#try = new TryPanel(this.#source, model);
    el.about = h('section', { class: 'card', 'aria-labelledby': 'model-about-heading', dataset: { testid: 'model-about' } });
    el.sharing = h('section', { class: 'card', 'aria-labelledby': 'model-sharing-heading', dataset: { testid: 'model-sharing' } });
    el.fork = h('section', { class: 'card', 'aria-labelledby': 'model-fork-heading', dataset: { testid: 'model-fork' } });
    this.#renderAbout();
    this.#renderSharing();
    this.#renderFork();

    el.history = h('section', { class: 'card', 'aria-labelledby': 'model-history-heading', dataset: { testid: 'model-history' } });
    el.images = h('section', { class: 'card', 'aria-labelledby': 'model-images-heading', dataset: { testid: 'model-images' } });

    const back = this.#shared
      ? h('p', { class: 'back' }, this.signedIn() ? h('a', { href: '#/gallery' }, '← Gallery') : h('span', { class: 'muted' }, 'Shared with you by link. '), this.signedIn() ? null : h('a', { href: '#/' }, 'Sign in or create an account'))
      : h('p', { class: 'back' }, h('a', { href: '#/gallery' }, '← Gallery'));

    this.#root.replaceChildren(
      back,
      h('section', { class: 'card job-head model-head', 'aria-labelledby': 'model-card-heading', dataset: { testid: 'model-card', modelId: model.id, kind: model.kind } },
        h('div', { class: 'job-head__title' }, el.title),
        el.meta, el.provenance, el.stats, el.actions),
      h('div', { class: 'model-grid' },
        h('section', { class: 'card', 'aria-labelledby': 'model-try-heading', dataset: { testid: 'model-try' } },
          h('h2', { id: 'model-try-heading', class: 'card__title' }, 'Try it'),
          this.#try.element),
        h('div', { class: 'side-column' }, el.about, el.sharing, el.fork)),
      h('div', { class: 'model-grid model-grid--even' },
        h('section', { class: 'card', 'aria-labelledby': 'model-hyper-heading', dataset: { testid: 'model-hyperparameters' } },
          h('h2', { id: 'model-hyper-heading', class: 'card__title' }, 'Hyperparameters'),
          describe(model.rbm ?? model.dbn ?? model.cnn ?? null)),
        h('section', { class: 'card', 'aria-labelledby': 'model-data-heading', dataset: { testid: 'model-data' } },
          h('h2', { id: 'model-data-heading', class: 'card__title' }, 'Data'),
          describe(dataSummary(model)))),
      el.history,
      el.images);
    this.#renderHistory();
    this.#renderImages();
  }

  #renderHead() {
    const model = this.#model;
    const el = this.#el;
    const architecture = model.architecture
      ?? (model.visibleUnits && model.hiddenUnits ? `${model.visibleUnits}-${model.hiddenUnits}` : null);
    el.meta.replaceChildren(...[
      h('span', { class: 'kind-tag', dataset: { testid: 'model-kind' } }, kindLabel(model.kind)),
      architecture ? h('span', { class: 'mono', title: 'layer sizes' }, architecture) : null,
      visibilityTag(model.visibility, { 'data-testid': 'model-visibility' }),
      h('span', { class: 'muted', dataset: { testid: 'model-owner' } }, `by ${model.owner ?? 'unknown'}`),
      h('span', { class: 'muted' }, formatDate(model.createdAt)),
    ].filter(Boolean));

    const parts = [];
    if (model.parentModelId) {
      parts.push(model.source === 'import' ? 'Imported from a file exported from ' : 'Forked from ',
        this.#shared ? (model.parentName ?? 'another model') : h('a', { href: `#/models/${encodeURIComponent(model.parentModelId)}`, dataset: { testid: 'model-parent' } }, model.parentName ?? 'another model'),
        '. ');
    } else if (model.source === 'import') {
      parts.push('Imported from a safetensors file. ');
    }
    if (model.jobId && !this.#shared) {
      parts.push('Trained by ', h('a', { href: `#/jobs/${encodeURIComponent(model.jobId)}` }, 'its training job'), '.');
    }
    el.provenance.replaceChildren(...parts);
    el.provenance.hidden = parts.length === 0;

    const stat = (label, value, testid) => h('div', {}, h('dt', {}, label), h('dd', { dataset: testid ? { testid } : undefined }, value));
    const ais = (model.evaluations ?? []).find((e) => e.kind === 'ais')?.result?.avgTestLogProbability;
    el.stats.replaceChildren(...[
      model.testError !== null && model.testError !== undefined ? stat('Test error', `${model.testError.toFixed(2)} %`, 'model-test-error') : null,
      model.reconstructionError !== null && model.reconstructionError !== undefined ? stat('Reconstruction error', formatError(model.reconstructionError), 'model-recon-error') : null,
      Number.isFinite(ais) ? stat('AIS log-likelihood', `${ais.toFixed(2)} nats`) : null,
      kindOf(model.kind).hasUnits ? stat('Units', `${model.visibleUnits ?? '?'} → ${model.hiddenUnits ?? '?'}`) : null,
      stat('File', formatBytes(model.sizeBytes)),
    ].filter(Boolean));

    const download = h('a', {
      class: 'button button--primary',
      href: sharingApi.fileUrl(this.#source),
      download: '',
      dataset: { testid: 'model-download' },
    }, 'Download', h('span', { class: 'visually-hidden' }, ` ${model.name || 'the model'}`), ' (safetensors)');
    const actions = [download];
    if (this.#canEdit) {
      const status = h('span', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
      const remove = h('button', { type: 'button', class: 'button button--danger', dataset: { testid: 'model-delete' } }, 'Delete model');
      remove.addEventListener('click', async () => {
        if (!window.confirm(`Delete “${model.name}” for everyone it is shared with? This cannot be undone.`)) return;
        remove.disabled = true;
        status.textContent = 'Deleting…';
        try {
          await sharingApi.deleteModel(model.id);
          location.hash = '#/gallery';
        } catch (error) {
          status.textContent = `Could not delete: ${problemText(error)}`;
          remove.disabled = false;
        }
      });
      actions.push(remove, status);
    }
    el.actions.replaceChildren(...actions);
  }

  // ---------- description ----------

  #renderAbout() {
    const model = this.#model;
    const el = this.#el;
    const heading = h('h2', { id: 'model-about-heading', class: 'card__title' }, 'About this model');
    if (!this.#canEdit) {
      el.about.replaceChildren(heading, model.description
        ? h('p', { class: 'model-description', dataset: { testid: 'model-description' } }, model.description)
        : h('p', { class: 'empty', dataset: { testid: 'model-description' } }, 'The owner has not written a description.'));
      return;
    }
    const name = h('input', { id: 'model-edit-name', type: 'text', maxlength: '200', value: model.name ?? '', required: true, dataset: { testid: 'model-edit-name' } });
    const nameError = errorFor(name, 'model-edit-name-error');
    const description = h('textarea', { id: 'model-edit-description', rows: '5', maxlength: String(DESCRIPTION_MAX), dataset: { testid: 'model-edit-description' }, 'aria-describedby': 'model-edit-description-count' });
    description.value = model.description ?? '';
    const descriptionError = errorFor(description, 'model-edit-description-error');
    const count = h('p', { class: 'field__hint', id: 'model-edit-description-count' });
    const updateCount = () => { count.textContent = `${description.value.length} / ${DESCRIPTION_MAX} characters`; };
    updateCount();
    description.addEventListener('input', updateCount);
    const save = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'model-save' } }, 'Save');
    const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'model-save-status' } });
    const summary = h('div', { hidden: true });
    const form = h('form', { novalidate: true },
      summary,
      h('div', { class: 'field' }, h('label', { for: 'model-edit-name' }, 'Name'), name, nameError),
      h('div', { class: 'field' }, h('label', { for: 'model-edit-description' }, 'Description'),
        h('p', { class: 'field__hint' }, 'What it was trained for, what works and what does not — your classmates read this on the card.'),
        description, count, descriptionError),
      h('div', { class: 'form-actions' }, save, status));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFieldError(name, nameError, '');
      showFieldError(description, descriptionError, '');
      summary.hidden = true;
      if (!name.value.trim()) {
        showFieldError(name, nameError, 'Give the model a name.');
        name.focus();
        return;
      }
      save.disabled = true;
      status.textContent = 'Saving…';
      try {
        const updated = await sharingApi.updateModel(model.id, { name: name.value.trim(), description: description.value });
        const saved = flatten(updated) ?? {};
        this.#model = { ...this.#model, ...saved, name: saved.name ?? name.value.trim(), description: saved.description ?? description.value };
        el.title.textContent = this.#model.name;
        document.title = `${this.#model.name} · DeepNetService`;
        status.textContent = 'Saved.';
      } catch (error) {
        status.textContent = '';
        const nameMessage = fieldErrors(error, 'name');
        const descriptionMessage = fieldErrors(error, 'description');
        showFieldError(name, nameError, nameMessage);
        showFieldError(description, descriptionError, descriptionMessage);
        if (!nameMessage && !descriptionMessage) {
          summary.replaceChildren(problemNotice(error, 'model-save-error'));
          summary.hidden = false;
        }
      } finally {
        save.disabled = false;
      }
    });
    el.about.replaceChildren(heading, form);
  }

  // ---------- visibility ----------

  async #renderSharing() {
    const el = this.#el;
    const model = this.#model;
    el.sharing.hidden = !this.#canEdit;
    if (!this.#canEdit) return;
    const heading = h('h2', { id: 'model-sharing-heading', class: 'card__title' }, 'Who can see it');
    el.sharing.replaceChildren(heading, h('p', { class: 'muted', role: 'status' }, 'Loading your classes…'));
    if (this.#classes === null) {
      try {
        this.#classes = (await sharingApi.listClasses()) ?? [];
      } catch {
        this.#classes = [];
      }
    }
    if (this.#model !== model) return; // another model was opened meanwhile
    const classes = this.#classes;
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
        await this.#refreshModel();
        this.#el.sharing.querySelector('[data-testid=visibility-status]').textContent = `Saved: ${visibilityLabel(this.#model.visibility)}.`;
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

    el.sharing.replaceChildren(...[heading, form, model.visibility === 'Unlisted' ? this.#linkBlock() : null].filter(Boolean));
  }

  #shareUrl(token) {
    return new URL(`#/shared/${encodeURIComponent(token)}`, location.href.split('#')[0]).href;
  }

  #linkBlock() {
    const model = this.#model;
    const link = h('input', { id: 'share-link', type: 'text', readonly: true, value: model.shareToken ? this.#shareUrl(model.shareToken) : '', dataset: { testid: 'share-link' } });
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
        await this.#refreshModel();
        const sharing = this.#el.sharing;
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

  async #refreshModel() {
    this.#model = flatten(await sharingApi.getModel(this.#model.id));
    this.#renderHead();
    await this.#renderSharing();
  }

  // ---------- fork ----------

  #renderFork() {
    const el = this.#el;
    const model = this.#model;
    const modes = kindOf(model.kind).forkModes;
    el.fork.hidden = this.#shared || modes.length === 0;
    if (el.fork.hidden) return;
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
    el.fork.replaceChildren(
      h('h2', { id: 'model-fork-heading', class: 'card__title' }, 'Build on it'),
      h('p', { class: 'hint' }, 'Start a new job of your own from these weights. ', modes.map((m) => `${m.label}: ${m.hint}.`).join(' ')),
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: 'fork-name' }, 'New job name'), name, nameError),
        h('div', { class: 'field' }, h('label', { for: 'fork-epochs' }, 'Epochs'), epochs, epochsError)),
      h('div', { class: 'form-actions' }, buttons),
      modeError,
      status);
  }

  // ---------- metric history and images ----------

  async #renderHistory() {
    const el = this.#el;
    const model = this.#model;
    const heading = h('h2', { id: 'model-history-heading', class: 'card__title' }, 'Metric history');
    if (!model.jobId) {
      el.history.replaceChildren(heading, h('p', { class: 'empty' }, 'An imported model carries its final metrics only, not the curve of its training.'));
      return;
    }
    const chart = h('div', { class: 'chart', dataset: { testid: 'model-history-chart' } }, h('p', { class: 'chart__empty empty' }, 'Loading the training history…'));
    el.history.replaceChildren(heading, chart);
    let job;
    try {
      job = this.#shared ? await sharingApi.getSharedJob(this.#source.token) : await sharingApi.getJob(model.jobId);
    } catch (error) {
      chart.replaceChildren(h('p', { class: 'empty' }, `The training job is not available: ${problemText(error)}`));
      chart.classList.remove('chart');
      return;
    }
    if (this.#model !== model) return;
    if ((job.history ?? []).length > 0) {
      const curve = new LearningCurve(chart);
      curve.setHistory(job.history);
      return;
    }
    const stages = job.stages ?? [];
    const classifier = stages.filter((s) => !String(s.stage).startsWith('pretrain-'));
    if (classifier.length > 0) {
      const errors = new EpochChart(chart, {
        series: [
          { key: 'trainError', label: 'train', color: cssVar('--chart-epoch', '#2457c5') },
          { key: 'validError', label: 'valid', color: cssVar('--chart-batch', '#e07a1f') },
        ],
        yLabel: 'error %',
      });
      errors.setReports(classifier.map((s) => ({ epoch: s.epoch, report: { trainError: s.metrics?.trainError, validError: s.metrics?.validError } })));
      return;
    }
    const layers = [...new Set(stages.map((s) => /^pretrain-(\d+)$/.exec(s.stage)?.[1]).filter(Boolean))].map(Number).sort((a, b) => a - b);
    if (layers.length > 0) {
      const loss = new EpochChart(chart, {
        series: layers.map((l) => ({ key: `l${l}`, label: `layer ${l}`, color: LAYER_COLOURS[(l - 1) % LAYER_COLOURS.length] })),
        yLabel: 'loss',
      });
      const rows = new Map();
      for (const s of stages) {
        const layer = /^pretrain-(\d+)$/.exec(s.stage)?.[1];
        if (!layer) continue;
        if (!rows.has(s.epoch)) rows.set(s.epoch, {});
        rows.get(s.epoch)[`l${layer}`] = s.metrics?.loss;
      }
      loss.setReports([...rows].map(([epoch, report]) => ({ epoch, report })));
      return;
    }
    chart.querySelector('.chart__empty').textContent = 'The job recorded no epochs.';
  }

  #renderImages() {
    const el = this.#el;
    const model = this.#model;
    const heading = h('h2', { id: 'model-images-heading', class: 'card__title' }, 'Images');
    if (!model.jobId) {
      el.images.replaceChildren(heading, h('p', { class: 'empty' }, 'An imported model has no images of its training.'));
      return;
    }
    const url = (kind) => (this.#shared ? sharingApi.sharedImageUrl(this.#source.token, kind) : api.imageUrl(model.jobId, kind));
    const figures = kindOf(model.kind).modelImages(model).map(([kind, caption]) => ({ url: url(kind), caption, kind }));
    for (const evaluation of model.evaluations ?? []) {
      const image = EVALUATION_IMAGES[evaluation.kind];
      if (evaluation.imageUrl && image) figures.push({ url: url(image[0]), caption: image[1], kind: image[0] });
    }
    const grid = h('div', { class: 'model-images' });
    for (const figure of figures) {
      const img = h('img', { src: figure.url, alt: figure.caption, loading: 'lazy', dataset: { testid: `model-image-${figure.kind}` } });
      const frame = h('figure', { class: 'model-image' }, h('div', { class: 'image-frame' }, img), h('figcaption', { class: 'small muted' }, figure.caption));
      img.addEventListener('error', () => frame.remove(), { once: true });
      grid.append(frame);
    }
    el.images.replaceChildren(heading, grid);
  }
}
