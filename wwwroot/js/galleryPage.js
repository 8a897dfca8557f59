// The gallery (#/gallery?scope=mine|classes|public&classId=&type=&q=&sort=): cards of the models I own, the models
// shared with my classes, and everyone's public models, from GET /api/gallery. The query lives in the hash, so a
// filtered gallery can be bookmarked; changes replace the history entry instead of adding one per keystroke.

import { api } from './api.js';
import { h } from './dom.js';
import { formatDate } from './format.js';
import { isAbort } from './http.js';
import { sharingApi } from './sharingApi.js';
import { allKinds, kindLabel } from './kinds.js';
import { metricText, problemNotice, visibilityTag } from './sharingUi.js';

const SCOPES = [
  { value: 'mine', label: 'My models' },
  { value: 'classes', label: 'My classes' },
  { value: 'public', label: 'Public' },
];

const types = () => [{ value: '', label: 'Every type' }, ...allKinds().map((k) => ({ value: k.kind, label: k.label }))];

const SORTS = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'metric', label: 'Best metric first' },
  { value: 'name', label: 'Name (A–Z)' },
];

const SEARCH_DEBOUNCE_MS = 250;

function parseQuery(path) {
  const search = new URLSearchParams((path ?? '').replace(/^[^?]*\??/, ''));
  const scope = SCOPES.some((s) => s.value === search.get('scope')) ? search.get('scope') : 'mine';
  return {
    scope,
    classId: scope === 'classes' ? (search.get('classId') ?? '') : '',
    type: types().some((t) => t.value === search.get('type')) ? search.get('type') : '',
    q: search.get('q') ?? '',
    sort: SORTS.some((s) => s.value === search.get('sort')) ? search.get('sort') : 'newest',
  };
}

export class GalleryPage {
  #root;
  #el = null;
  #state = parseQuery('');
  #classes = [];
  #controller = null;
  #searchTimer = 0;

  constructor(root) {
    this.#root = root;
  }

  show(path) {
    this.#root.hidden = false;
    if (!this.#el) this.#build();
    this.#state = parseQuery(path);
    this.#syncControls();
    this.#loadClasses();
    this.#load();
  }

  hide() {
    this.#root.hidden = true;
    clearTimeout(this.#searchTimer);
    this.#controller?.abort();
  }

  #build() {
    const el = {};
    el.tabs = SCOPES.map((scope) => {
      const tab = h('button', {
        type: 'button', role: 'tab', id: `gallery-tab-${scope.value}`, class: 'gallery-tab',
        'aria-controls': 'gallery-results', dataset: { testid: `gallery-tab-${scope.value}`, scope: scope.value },
      }, scope.label);
      tab.addEventListener('click', () => this.#change({ scope: scope.value, classId: '' }));
      tab.addEventListener('keydown', (event) => this.#tabKey(event, scope.value));
      return tab;
    });
    el.search = h('input', { id: 'gallery-search', type: 'search', placeholder: 'name, author, description…', autocomplete: 'off', dataset: { testid: 'gallery-search' } });
    el.search.addEventListener('input', () => {
      clearTimeout(this.#searchTimer);
      this.#searchTimer = setTimeout(() => this.#change({ q: el.search.value.trim() }), SEARCH_DEBOUNCE_MS);
    });
    el.type = h('select', { id: 'gallery-type', dataset: { testid: 'gallery-type' } },
      types().map((t) => h('option', { value: t.value }, t.label)));
    el.type.addEventListener('change', () => this.#change({ type: el.type.value }));
    el.classSelect = h('select', { id: 'gallery-class', dataset: { testid: 'gallery-class' } }, h('option', { value: '' }, 'All my classes'));
    el.classSelect.addEventListener('change', () => this.#change({ classId: el.classSelect.value }));
    el.classField = h('div', { class: 'field' }, h('label', { for: 'gallery-class' }, 'Class'), el.classSelect);
    el.sort = h('select', { id: 'gallery-sort', dataset: { testid: 'gallery-sort' } },
      SORTS.map((s) => h('option', { value: s.value }, s.label)));
    el.sort.addEventListener('change', () => this.#change({ sort: el.sort.value }));
    el.status = h('p', { class: 'gallery-status muted', role: 'status', 'aria-live': 'polite', dataset: { testid: 'gallery-status' } });
    el.results = h('div', { id: 'gallery-results', role: 'tabpanel', 'aria-busy': 'true', dataset: { testid: 'gallery-results' } });

    this.#root.replaceChildren(
      h('div', { class: 'page-head' },
        h('h1', { id: 'gallery-heading', class: 'page-title', tabindex: '-1' }, 'Gallery'),
        h('a', { class: 'button button--secondary', href: '#/classes' }, 'Classes and join codes')),
      h('p', { class: 'hint' }, 'Models you trained or imported, models your classmates shared with your classes, and public models. Open a card to read its model card, try it on a digit you draw, download it or start a new job from it.'),
      h('div', { class: 'gallery-tabs', role: 'tablist', 'aria-label': 'Whose models' }, el.tabs),
      h('form', { class: 'gallery-filters', role: 'search', 'aria-label': 'Filter the gallery', onsubmit: (event) => { event.preventDefault(); this.#change({ q: el.search.value.trim() }); } },
        h('div', { class: 'field gallery-filters__search' }, h('label', { for: 'gallery-search' }, 'Search'), el.search),
        h('div', { class: 'field' }, h('label', { for: 'gallery-type' }, 'Type'), el.type),
        el.classField,
        h('div', { class: 'field' }, h('label', { for: 'gallery-sort' }, 'Sort'), el.sort)),
      el.status,
      el.results);
    this.#el = el;
  }

  #tabKey(event, scope) {
    const index = SCOPES.findIndex((s) => s.value === scope);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = SCOPES[(index + step + SCOPES.length) % SCOPES.length];
    this.#change({ scope: next.value, classId: '' });
    this.#el.tabs.find((t) => t.dataset.scope === next.value)?.focus();
  }

  #syncControls() {
    const el = this.#el;
    const s = this.#state;
    for (const tab of el.tabs) {
      const selected = tab.dataset.scope === s.scope;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    el.results.setAttribute('aria-labelledby', `gallery-tab-${s.scope}`);
    if (document.activeElement !== el.search) el.search.value = s.q;
    el.type.value = s.type;
    el.sort.value = s.sort;
    el.classField.hidden = s.scope !== 'classes';
    el.classSelect.value = s.classId;
  }

  #change(changes) {
    this.#state = { ...this.#state, ...changes };
    if (this.#state.scope !== 'classes') this.#state.classId = '';
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(this.#state)) {
      if (value && !(key === 'scope' && value === 'mine') && !(key === 'sort' && value === 'newest')) search.set(key, value);
    }
    const text = search.toString();
    history.replaceState(null, '', `#/gallery${text ? `?${text}` : ''}`);
    this.#syncControls();
    this.#load();
  }

  async #loadClasses() {
    try {
      this.#classes = (await sharingApi.listClasses()) ?? [];
    } catch {
      this.#classes = [];
    }
    const select = this.#el.classSelect;
    select.replaceChildren(h('option', { value: '' }, 'All my classes'),
      ...this.#classes.map((c) => h('option', { value: c.id }, c.name)));
    if (this.#state.classId && !this.#classes.some((c) => String(c.id) === this.#state.classId)) {
      select.append(h('option', { value: this.#state.classId }, 'A class I am not in'));
    }
    select.value = this.#state.classId;
  }

  async #load() {
    const el = this.#el;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    el.results.setAttribute('aria-busy', 'true');
    el.status.textContent = 'Loading…';
    const s = this.#state;
    try {
      const cards = await sharingApi.gallery({ scope: s.scope, classId: s.classId, type: s.type, q: s.q, sort: s.sort });
      if (controller.signal.aborted) return;
      this.#render(cards ?? []);
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      el.status.textContent = 'Could not load the gallery.';
      el.results.replaceChildren(problemNotice(error, 'gallery-error'));
    } finally {
      if (this.#controller === controller) el.results.setAttribute('aria-busy', 'false');
    }
  }

  #render(cards) {
    const el = this.#el;
    const s = this.#state;
    const scopeLabel = SCOPES.find((x) => x.value === s.scope)?.label ?? '';
    el.status.textContent = `${cards.length} model${cards.length === 1 ? '' : 's'} in ${scopeLabel}${s.q ? ` matching “${s.q}”` : ''}.`;
    if (cards.length === 0) {
      const empty = {
        mine: 'No models yet. A training job that succeeds stores its model here; you can also import a .safetensors file on the Models page.',
        classes: 'Nothing shared with your classes yet. Join a class with its code on the Classes page; models your classmates share with it appear here.',
        public: 'No public models yet.',
      }[s.scope];
      el.results.replaceChildren(h('p', { class: 'empty' }, s.q || s.type ? 'No model matches these filters.' : empty));
      return;
    }
    el.results.replaceChildren(h('ul', { class: 'gallery-grid', 'aria-label': `${scopeLabel}: ${cards.length} models` }, cards.map((card) => this.#card(card))));
  }

  #card(card) {
    const href = `#/models/${encodeURIComponent(card.id)}`;
    const titleId = `gallery-card-${card.id}`;
    const thumb = card.thumbnailUrl
      ? h('img', { class: 'gallery-card__thumb', src: api.relative(card.thumbnailUrl), alt: `Filters of ${card.name}`, loading: 'lazy', width: 160, height: 160 })
      : h('div', { class: 'gallery-card__thumb gallery-card__thumb--none', 'aria-hidden': 'true' }, kindLabel(card.kind));
    if (thumb.tagName === 'IMG') {
      thumb.addEventListener('error', () => thumb.replaceWith(h('div', { class: 'gallery-card__thumb gallery-card__thumb--none', 'aria-hidden': 'true' }, kindLabel(card.kind))), { once: true });
    }
    const metric = metricText(card.metricName, card.metricValue);
    return h('li', { class: 'gallery-card', dataset: { testid: 'gallery-card', modelId: card.id, kind: card.kind } },
      h('a', { class: 'gallery-card__link', href, 'aria-labelledby': titleId, tabindex: '-1' }, thumb),
      h('div', { class: 'gallery-card__body' },
        h('h2', { class: 'gallery-card__title', id: titleId }, h('a', { href, dataset: { testid: 'gallery-card-link' } }, card.name || 'Model')),
        h('p', { class: 'gallery-card__type' },
          h('span', { class: 'kind-tag' }, kindLabel(card.kind)),
          card.architecture ? h('span', { class: 'mono' }, ` ${card.architecture}`) : null),
        card.dataset ? h('p', { class: 'small' }, card.dataset) : null,
        metric ? h('p', { class: 'gallery-card__metric', dataset: { testid: 'gallery-card-metric' } }, metric) : null,
        h('p', { class: 'muted small' }, `by ${card.author ?? 'unknown'} · ${formatDate(card.createdAt)}`),
        visibilityTag(card.visibility)));
  }
}
