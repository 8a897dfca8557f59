// The model card: #/models/{id} (signed-in readers; the owner edits) and #/shared/{token} (anyone holding an
// unlisted link; read-only). Name, author, provenance, description, hyperparameters, data spec, metric history
// (the job's curve, drawn with learningCurve.js / charts.js), images, Try it, download, fork and — for the owner —
// who can see it: private, shared with classes, unlisted link (copy, rotate, revoke) or public.

import { api } from './api.js';
import { ApiError, fieldErrors, problemText } from './http.js';
import { h } from './dom.js';
import { formatBytes, formatDate, formatError } from './format.js';
import { kindLabel, kindOf } from './kinds.js';
import { dataSummary, describe, flatten } from './modelFacts.js';
import { renderForkPanel } from './modelFork.js';
import { renderSharingPanel } from './modelSharing.js';
import { renderHistoryPanel, renderImagesPanel } from './modelTraining.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, problemNotice, showFieldError, visibilityTag } from './sharingUi.js';
import { TryPanel } from './tryIt.js';

const DESCRIPTION_MAX = 4000;

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

  /** What the panels read of this page: the model shown now, how it is reached, and the owner's classes. */
  get #card() {
    const page = this;
    return {
      get model() { return page.#model; },
      get canEdit() { return page.#canEdit; },
      shared: this.#shared,
      source: this.#source,
      classes: () => this.#loadClasses(),
      refresh: () => this.#refreshModel(),
    };
  }

  async #loadClasses() {
    if (this.#classes === null) {
      try {
        this.#classes = (await sharingApi.listClasses()) ?? [];
      } catch {
        this.#classes = [];
      }
    }
    return this.#classes;
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
    renderSharingPanel(el.sharing, this.#card);
    renderForkPanel(el.fork, model, { shared: this.#shared });

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
    renderHistoryPanel(el.history, this.#card);
    renderImagesPanel(el.images, this.#card);
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

  async #refreshModel() {
    this.#model = flatten(await sharingApi.getModel(this.#model.id));
    this.#renderHead();
    await renderSharingPanel(this.#el.sharing, this.#card);
  }

}
