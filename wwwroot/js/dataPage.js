// The "Images & data sets" page (#/data): upload and list images (built-in photos with their licences
// first) and one's own data sets (IDX, CSV, image files); the server's 400 says what is wrong with a file.

import { api } from './api.js';
import { problemText } from './http.js';
import { h, mountMarkup } from './dom.js';
import { DATA_MARKUP } from './markup/dataMarkup.js';
import { formatBytes, formatClasses, formatDate, formatInteger } from './format.js';

export class DataPage {
  #root;
  #el;
  #onChanged;

  constructor(root, { onChanged } = {}) {
    this.#root = root;
    this.#onChanged = onChanged;
    mountMarkup(root, DATA_MARKUP);
    const $ = (selector) => root.querySelector(selector);
    this.#el = {
      imageForm: $('#image-upload'),
      imageStatus: $('#image-upload-status'),
      imageError: $('#image-upload-error'),
      images: $('#images-list'),
      datasetForm: $('#dataset-upload'),
      datasetStatus: $('#dataset-upload-status'),
      datasetError: $('#dataset-upload-error'),
      datasets: $('#datasets-list'),
    };
    this.#el.imageForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#uploadImage();
    });
    this.#el.datasetForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#uploadDataset();
    });
    this.#el.datasetForm.elements.kind.addEventListener('change', () => this.#showKindFields());
    $('#refresh-images').addEventListener('click', () => this.loadImages());
    $('#refresh-datasets').addEventListener('click', () => this.loadDatasets());
    this.#showKindFields();
  }

  show() {
    this.#root.hidden = false;
    this.load();
  }

  hide() {
    this.#root.hidden = true;
  }

  load() {
    return Promise.all([this.loadImages(), this.loadDatasets()]);
  }

  #showKindFields() {
    const kind = this.#el.datasetForm.elements.kind.value;
    this.#root.querySelectorAll('[data-dataset-kind]').forEach((group) => { group.hidden = group.dataset.datasetKind !== kind; });
  }

  // ---------- images ----------

  async loadImages() {
    const container = this.#el.images;
    container.setAttribute('aria-busy', 'true');
    try {
      this.#renderImages((await api.listImages()) ?? []);
    } catch (error) {
      container.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not load images: ${error.message}`));
    } finally {
      container.setAttribute('aria-busy', 'false');
    }
  }

  #renderImages(images) {
    if (images.length === 0) {
      this.#el.images.replaceChildren(h('p', { class: 'empty' }, 'No images.'));
      return;
    }
    const items = images.map((image) => h('li', { class: 'thumb', dataset: { testid: 'image-row', imageId: image.id, source: image.source } },
      h('img', { class: 'thumb__img', src: api.relative(image.url), alt: image.name, loading: 'lazy', width: '96', height: '96' }),
      h('div', { class: 'thumb__body' },
        h('strong', { class: 'item__title' }, image.name),
        h('div', { class: 'muted small' }, `${formatInteger(image.width)} × ${formatInteger(image.height)} · ${image.source === 'builtin' ? 'built in' : 'uploaded'}`),
        h('div', { class: 'muted small mono' }, image.id),
        image.licence ? h('div', { class: 'small thumb__licence' }, image.licence) : null,
        image.source === 'upload'
          ? h('button', {
            type: 'button',
            class: 'button button--link thumb__delete',
            dataset: { testid: 'image-delete' },
            onclick: () => this.#deleteImage(image),
          }, 'Delete', h('span', { class: 'visually-hidden' }, ` ${image.name}`))
          : null)));
    this.#el.images.replaceChildren(h('ul', { class: 'thumbs', 'aria-label': 'Images, built-in first' }, items));
  }

  async #uploadImage() {
    const form = this.#el.imageForm;
    const file = form.elements.file.files[0];
    this.#el.imageError.hidden = true;
    if (!file) {
      this.#showError(this.#el.imageError, 'Choose a PNG or JPEG file first.');
      return;
    }
    const body = new FormData();
    body.append('file', file, file.name);
    const name = form.elements.name.value.trim();
    if (name) body.append('name', name);
    await this.#busy(form, this.#el.imageStatus, 'Uploading…', async () => {
      const image = await api.uploadImage(body);
      this.#el.imageStatus.textContent = `Uploaded “${image.name}” (${image.width} × ${image.height}).`;
      form.reset();
      await this.loadImages();
      this.#onChanged?.();
    }, this.#el.imageError);
  }

  async #deleteImage(image) {
    if (!window.confirm(`Delete the image “${image.name}”?`)) return;
    try {
      await api.deleteImage(image.id);
      await this.loadImages();
      this.#onChanged?.();
    } catch (error) {
      this.#showError(this.#el.imageError, `Could not delete “${image.name}”: ${problemText(error)}`);
    }
  }

  // ---------- data sets ----------

  async loadDatasets() {
    const container = this.#el.datasets;
    container.setAttribute('aria-busy', 'true');
    try {
      this.#renderDatasets((await api.listDatasets()) ?? []);
    } catch (error) {
      container.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not load data sets: ${error.message}`));
    } finally {
      container.setAttribute('aria-busy', 'false');
    }
  }

  #renderDatasets(datasets) {
    if (datasets.length === 0) {
      this.#el.datasets.replaceChildren(h('p', { class: 'empty' }, 'No data sets yet — upload one above.'));
      return;
    }
    const rows = datasets.map((d) => h('tr', { dataset: { testid: 'dataset-row', datasetId: d.id } },
      h('th', { scope: 'row' }, h('span', { class: 'item__title' }, d.name), h('div', { class: 'muted small' }, formatDate(d.createdAt))),
      h('td', {}, d.kind),
      h('td', { class: 'num', dataset: { testid: 'dataset-count' } }, formatInteger(d.count)),
      h('td', { class: 'num' }, d.width > 0 && d.height > 0 ? `${d.width}×${d.height}` : formatInteger(d.features)),
      h('td', {}, d.hasLabels ? (Array.isArray(d.classes) ? formatLabels(d.classes) : 'yes') : 'no'),
      h('td', { class: 'num' }, formatBytes(d.sizeBytes)),
      h('td', {}, h('button', {
        type: 'button',
        class: 'button button--link',
        dataset: { testid: 'dataset-delete' },
        onclick: () => this.#deleteDataset(d),
      }, 'Delete', h('span', { class: 'visually-hidden' }, ` ${d.name}`)))));
    this.#el.datasets.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Your data sets'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Format'), h('th', { scope: 'col', class: 'num' }, 'Samples'),
        h('th', { scope: 'col', class: 'num' }, 'Dimensions'), h('th', { scope: 'col' }, 'Labels'), h('th', { scope: 'col', class: 'num' }, 'Size'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, rows))));
  }

  async #uploadDataset() {
    const form = this.#el.datasetForm;
    const f = form.elements;
    this.#el.datasetError.hidden = true;
    const kind = f.kind.value;
    const name = f.name.value.trim();
    const body = new FormData();
    const problems = [];
    if (!name) problems.push('Give the data set a name.');
    body.append('name', name);
    body.append('kind', kind);
    if (kind === 'csv') {
      const file = f.file.files[0];
      if (!file) problems.push('Choose a CSV file.');
      else body.append('file', file, file.name);
      body.append('labelColumn', f.labelColumn.checked ? 'true' : 'false');
    } else if (kind === 'idx') {
      const images = f.images.files[0];
      if (!images) problems.push('Choose an IDX images file.');
      else body.append('images', images, images.name);
      const labels = f.labels.files[0];
      if (labels) body.append('labels', labels, labels.name);
    } else {
      const files = [...f.files.files];
      if (files.length === 0) problems.push('Choose one or more image files.');
      for (const file of files) body.append('files', file, file.name);
      body.append('size', f.size.value || '28');
    }
    if (problems.length > 0) {
      this.#showError(this.#el.datasetError, problems.join(' '));
      return;
    }
    await this.#busy(form, this.#el.datasetStatus, 'Uploading…', async () => {
      const dataset = await api.uploadDataset(body);
      this.#el.datasetStatus.textContent = `Stored “${dataset.name}”: ${formatInteger(dataset.count)} samples of ${formatInteger(dataset.features)} values.`;
      form.reset();
      this.#showKindFields();
      await this.loadDatasets();
      this.#onChanged?.();
    }, this.#el.datasetError);
  }

  async #deleteDataset(dataset) {
    if (!window.confirm(`Delete the data set “${dataset.name}”?`)) return;
    try {
      await api.deleteDataset(dataset.id);
      await this.loadDatasets();
      this.#onChanged?.();
    } catch (error) {
      this.#showError(this.#el.datasetError, `Could not delete “${dataset.name}”: ${problemText(error)}`);
    }
  }

  // ---------- helpers ----------

  async #busy(form, status, text, action, errorBox) {
    const submit = form.querySelector('[type=submit]');
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = text;
    status.textContent = '';
    try {
      await action();
    } catch (error) {
      this.#showError(errorBox, problemText(error));
    } finally {
      submit.disabled = false;
      submit.textContent = label;
    }
  }

  #showError(box, message) {
    box.replaceChildren(h('strong', {}, 'Upload refused. '), message);
    box.hidden = false;
    box.tabIndex = -1;
    box.focus();
  }
}

function formatLabels(classes) {
  const digitsOnly = classes.every((c) => Number.isInteger(c) && c >= 0 && c <= 9);
  return digitsOnly ? formatClasses(classes) : `${classes.length} classes`;
}
