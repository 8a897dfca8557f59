// My models (#/models?page=): the caller's trained and imported models a page at a time, each linking to its card,
// with a download per model and the import of a model file. Classmates' models are in the gallery.

import { h } from './dom.js';
import { ModelImport } from './modelImport.js';
import { ModelList } from './modelList.js';

const PAGE_SIZE = 20;

export class ModelsPage {
  #root;
  #list;
  #pager = h('nav', { class: 'pager', 'aria-label': 'Pages of models' });
  #page = 1;

  constructor(root) {
    this.#root = root;
    const list = h('div', { id: 'models-page-list', 'aria-busy': 'true', dataset: { testid: 'models-page-list' } });
    const importer = h('div', { dataset: { testid: 'model-import' } });
    root.append(h('section', { class: 'card', 'aria-labelledby': 'models-page-heading' },
      h('div', { class: 'card__header' },
        h('h1', { id: 'models-page-heading', class: 'card__title', tabindex: '-1' }, 'My models'),
        h('a', { class: 'button button--secondary', href: '#/gallery' }, 'Gallery')),
      h('p', { class: 'hint' }, 'Models you trained or imported, newest first. Open one for its card, try-it, sharing and forks; the gallery also shows classmates’ and public models.'),
      list, this.#pager, importer));
    this.#list = new ModelList(list, { pageSize: PAGE_SIZE });
    new ModelImport(importer, {
      onImported: (model) => { location.hash = `#/models/${encodeURIComponent(model.id)}`; },
    });
    window.addEventListener('deepnet:model-ready', () => { if (!root.hidden) this.#load(); });
  }

  show(path) {
    this.#root.hidden = false;
    this.#page = Math.max(1, Number(new URLSearchParams(path.startsWith('?') ? path.slice(1) : '').get('page')) || 1);
    this.#load();
  }

  hide() {
    this.#root.hidden = true;
  }

  async #load() {
    const total = await this.#list.load(this.#page);
    const pages = Math.max(1, Math.ceil((total ?? 0) / PAGE_SIZE));
    const go = (target, label) => h('a', {
      class: 'button button--secondary', href: target > 1 ? `#/models?page=${target}` : '#/models', hidden: target < 1 || target > pages,
    }, label);
    this.#pager.replaceChildren(...(pages > 1 ? [go(this.#page - 1, '← Newer'), h('span', { class: 'muted small' }, `Page ${this.#page} of ${pages}`), go(this.#page + 1, 'Older →')] : []));
  }
}
