// The models list: a page of GET /api/models, each linking to its model card, with a download link per model (safetensors file).

import { api } from './api.js';
import { h } from './dom.js';
import { formatBytes, formatDate } from './format.js';
import { kindOf } from './kinds.js';

export class ModelList {
  #container;
  #pageSize;
  #page = 1;

  /** @param {{ pageSize?: number }} options models per page (the server's default 50 when not given) */
  constructor(container, { pageSize } = {}) {
    this.#container = container;
    this.#pageSize = pageSize;
  }

  /** Loads one page (the last one asked for when not given); resolves to the number of models on all pages, or null on failure. */
  async load(page = this.#page) {
    this.#page = page;
    this.#container.setAttribute('aria-busy', 'true');
    try {
      const { items, total } = await api.modelsPage({ page: page > 1 ? page : null, pageSize: this.#pageSize });
      this.#render(items);
      return total;
    } catch (error) {
      this.#container.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not load models: ${error.message}`));
      return null;
    } finally {
      this.#container.setAttribute('aria-busy', 'false');
    }
  }

  #render(models) {
    if (models.length === 0) {
      this.#container.replaceChildren(h('p', { class: 'empty' }, 'No trained models yet. A job that succeeds stores its model here.'));
      return;
    }
    const items = models.map((model) => h('li', { class: 'item', dataset: { testid: 'model-row', modelId: model.id } },
      h('div', { class: 'item__main' },
        h('strong', { class: 'item__title' },
          h('a', { class: 'job-link', href: `#/models/${encodeURIComponent(model.id)}`, dataset: { testid: 'model-card-link' } }, model.name || 'RBM')),
        h('div', { class: 'muted small' },
          kindOf(model.kind).describeModel(model).filter(Boolean).join(' · ')),
        h('div', { class: 'muted small' },
          formatDate(model.createdAt),
          model.jobId ? ' · ' : null,
          model.jobId ? h('a', { href: `#/jobs/${encodeURIComponent(model.jobId)}` }, 'training job') : null)),
      h('a', {
        class: 'button button--secondary item__action',
        href: api.modelFileUrl(model.id),
        download: '',
        dataset: { testid: 'model-download' },
        title: `${model.name || 'model'} as a safetensors file (${formatBytes(model.sizeBytes)})`,
      }, 'Download', h('span', { class: 'visually-hidden' }, ` ${model.name || 'model'}`), h('span', { class: 'item__size' }, formatBytes(model.sizeBytes)))));
    this.#container.replaceChildren(h('ul', { class: 'items', 'aria-label': 'Trained models, newest first' }, items));
  }
}
