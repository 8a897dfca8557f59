// The account page (#/account): who is signed in and what they store against their quota (GET /api/storage),
// so a refused upload or job ("Storage quota reached") can be understood and fixed here.

import { session } from './auth.js';
import { h } from './dom.js';
import { formatBytes } from './format.js';
import { isAbort } from './http.js';
import { sharingApi } from './sharingApi.js';
import { problemNotice } from './sharingUi.js';

const PARTS = [
  { key: 'modelBytes', label: 'Models', where: '#/gallery' },
  { key: 'datasetBytes', label: 'Data sets', where: '#/data' },
  { key: 'imageBytes', label: 'Images', where: '#/data' },
  { key: 'jobImageBytes', label: 'Job images (filters, reconstructions)', where: null },
  { key: 'checkpointBytes', label: 'Checkpoints of stopped jobs', where: null },
  { key: 'reservedBytes', label: 'Reserved by queued and running jobs', where: null },
];

export class AccountPage {
  #root;
  #el = null;
  #controller = null;

  constructor(root) {
    this.#root = root;
  }

  show() {
    this.#root.hidden = false;
    if (!this.#el) this.#build();
    this.#el.email.textContent = session.user?.email ?? '';
    this.#el.name.textContent = session.user?.displayName ?? '';
    this.#load();
  }

  hide() {
    this.#root.hidden = true;
    this.#controller?.abort();
  }

  #build() {
    const el = {};
    el.email = h('strong', { dataset: { testid: 'account-page-email' } });
    el.name = h('strong', { dataset: { testid: 'account-page-name' } });
    el.meter = h('progress', { id: 'storage-meter', max: 1, value: 0, dataset: { testid: 'storage-meter' } });
    el.summary = h('p', { class: 'storage-summary', role: 'status', 'aria-live': 'polite', dataset: { testid: 'storage-summary' } }, 'Loading…');
    el.rows = h('tbody', { dataset: { testid: 'storage-rows' } });
    this.#root.replaceChildren(
      h('div', { class: 'page-head' }, h('h1', { id: 'account-heading', class: 'page-title', tabindex: '-1' }, 'Your account')),
      h('section', { class: 'card' },
        h('p', {}, 'Signed in as ', el.email, '. Classmates see you as ', el.name, ' (change it with the name in the header); only you see your e-mail.')),
      h('section', { class: 'card', 'aria-labelledby': 'storage-heading' },
        h('h2', { id: 'storage-heading', class: 'card__title' }, 'Storage'),
        h('label', { for: 'storage-meter', class: 'visually-hidden' }, 'Storage used'),
        el.meter,
        el.summary,
        h('table', { class: 'table storage-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col', class: 'num' }, 'Size'))),
          el.rows),
        h('p', { class: 'hint' }, 'Uploads, model imports and jobs that would pass your quota are refused. Delete models on their card or data sets and images on the data page to make room; a job’s reservation ends when it does.')));
    this.#el = el;
  }

  async #load() {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const el = this.#el;
    try {
      const storage = await sharingApi.storage({ signal: controller.signal });
      el.meter.max = storage.quotaBytes;
      el.meter.value = Math.min(storage.usedBytes, storage.quotaBytes);
      const percent = storage.quotaBytes > 0 ? Math.round((100 * storage.usedBytes) / storage.quotaBytes) : 0;
      el.summary.textContent = `${formatBytes(storage.usedBytes)} of ${formatBytes(storage.quotaBytes)} used (${percent} %).`;
      el.rows.replaceChildren(...PARTS.map((part) => h('tr', { dataset: { testid: `storage-${part.key}` } },
        h('th', { scope: 'row' }, part.where ? h('a', { href: part.where }, part.label) : part.label),
        h('td', { class: 'num' }, formatBytes(storage[part.key] ?? 0)))));
    } catch (error) {
      if (isAbort(error)) return;
      el.summary.replaceChildren(problemNotice(error, 'storage-error'));
    }
  }
}
