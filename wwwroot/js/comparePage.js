// Compare runs (#/compare?jobs=a,b,…, issue 15): 2–8 runs the viewer may read — learning curves overlaid on shared
// axes (log option), only the settings that differ, images side by side at one scale, and for homework 2 the
// difference image with zoomed crops. The URL is the comparison: whoever may read every run sees the same page; the
// server refuses it (404) to anyone else.

import { api } from './api.js';
import { EpochChart } from './charts.js';
import { compareApi } from './compareApi.js';
import { Homework2Panel } from './compareHomework2.js';
import { h } from './dom.js';
import { problemText } from './http.js';

const MIN_RUNS = 2;
const MAX_RUNS = 8;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
// Images rendered while a run trains, by its kind (patch runs draw no reconstructions grid; their homework-2 image is an evaluation's).
const TRAINING_IMAGES = { rbm: ['filters', 'reconstructions'], 'rbm-patches': ['filters'], dbn: ['filters'], cnn: ['filters-1'] };
const trainingImages = (run) => TRAINING_IMAGES[run.kind] ?? [];

/** The job ids of "?jobs=a,b" (the rest of the hash after "#/compare"). */
function idsOf(path) {
  const query = path.indexOf('?');
  const jobs = new URLSearchParams(query >= 0 ? path.slice(query + 1) : '').get('jobs') ?? '';
  return jobs.split(',').map((id) => id.trim()).filter(Boolean);
}

const runName = (run, i) => `${i + 1}. ${run.name}`;

export class ComparePage {
  #root;
  #el = null;
  #chart = null;
  #homework2 = null;
  #picked = new Set();
  #generation = 0; // a newer comparison supersedes an older one still loading

  constructor(root) {
    this.#root = root;
  }

  show(path) {
    this.#root.hidden = false;
    if (!this.#el) this.#build();
    const ids = idsOf(path ?? '');
    this.#picked = new Set(ids);
    void this.#loadPicker();
    if (ids.length > 0) void this.#compare(ids);
    else {
      this.#generation++;
      this.#clearResult();
    }
  }

  hide() {
    this.#root.hidden = true;
  }

  #build() {
    const el = {};
    el.jobs = h('ul', { class: 'compare-picker', dataset: { testid: 'compare-picker' } });
    el.extra = h('input', { id: 'compare-extra', type: 'text', placeholder: 'job id', size: 38, dataset: { testid: 'compare-extra' } });
    el.add = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'compare-add' } }, 'Add');
    el.go = h('button', { type: 'button', class: 'button', dataset: { testid: 'compare-go' } }, 'Compare');
    el.pickerError = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'compare-picker-error' } });
    el.error = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'compare-error' } });
    el.share = h('p', { class: 'muted small', dataset: { testid: 'compare-share' } });
    el.log = h('input', { type: 'checkbox', id: 'compare-log', dataset: { testid: 'compare-log' } });
    el.chart = h('div', { class: 'chart', dataset: { testid: 'compare-curves' } });
    el.differences = h('div', { dataset: { testid: 'compare-differences' } });
    el.perClass = h('div', { dataset: { testid: 'compare-per-class' } });
    el.zoom = h('select', { id: 'compare-zoom', dataset: { testid: 'compare-zoom' } }, [1, 2, 3, 4].map((z) => h('option', { value: String(z), selected: z === 2 }, `${z}×`)));
    el.images = h('div', { dataset: { testid: 'compare-images' } });
    el.homework2 = h('div', { dataset: { testid: 'compare-homework2' } });
    el.result = h('div', { hidden: true },
      el.share,
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Learning curves'),
        h('label', { class: 'choice__option' }, el.log, h('span', {}, 'Logarithmic error axis')), el.chart),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Settings that differ'), el.differences),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Reconstruction error per digit (homework 1)'), el.perClass),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Images'),
        h('div', { class: 'field' }, h('label', { for: 'compare-zoom' }, 'Scale (every image alike)'), el.zoom), el.images),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Binary and non-binary features (homework 2)'), el.homework2));
    this.#root.append(
      h('h1', {}, 'Compare runs'),
      h('section', { class: 'card' },
        h('h2', { class: 'card__title' }, `Pick ${MIN_RUNS}–${MAX_RUNS} runs`),
        el.jobs,
        h('div', { class: 'field' }, h('label', { for: 'compare-extra' }, 'Or add a run you may read (shared, a submission) by its id'), h('div', { class: 'presets' }, el.extra, el.add)),
        h('div', { class: 'presets' }, el.go), el.pickerError),
      el.error, el.result);
    this.#el = el;
    this.#homework2 = new Homework2Panel(el.homework2);

    el.add.addEventListener('click', () => {
      const id = el.extra.value.trim();
      if (!id) return;
      this.#picked.add(id);
      el.extra.value = '';
      void this.#loadPicker();
    });
    el.go.addEventListener('click', () => {
      const ids = [...this.#picked];
      if (ids.length < MIN_RUNS || ids.length > MAX_RUNS) {
        el.pickerError.textContent = `Pick ${MIN_RUNS} to ${MAX_RUNS} runs (${ids.length} picked).`;
        return;
      }
      el.pickerError.textContent = '';
      location.hash = `#/compare?jobs=${ids.join(',')}`;
    });
    el.log.addEventListener('change', () => this.#chart?.setLog(el.log.checked));
    el.zoom.addEventListener('change', () => this.#applyZoom());
  }

  async #loadPicker() {
    const el = this.#el;
    let jobs = [];
    try {
      const answer = await api.listJobs();
      jobs = Array.isArray(answer) ? answer : answer?.items ?? [];
    } catch (error) {
      el.pickerError.textContent = problemText(error);
    }
    const known = new Set(jobs.map((job) => job.id));
    const extra = [...this.#picked].filter((id) => !known.has(id)).map((id) => ({ id, name: id, status: 'added by id' }));
    el.jobs.replaceChildren(...[...extra, ...jobs].map((job) => {
      const box = h('input', { type: 'checkbox', value: job.id, checked: this.#picked.has(job.id), dataset: { testid: 'compare-pick' } });
      box.addEventListener('change', () => (box.checked ? this.#picked.add(job.id) : this.#picked.delete(job.id)));
      return h('li', {}, h('label', { class: 'choice__option' }, box, h('span', {}, `${job.name} `, h('span', { class: 'muted small' }, `${job.kind ?? ''} ${job.status ?? ''}`))));
    }));
  }

  #clearResult() {
    this.#el.result.hidden = true;
    this.#el.error.textContent = '';
  }

  async #compare(ids) {
    const el = this.#el;
    const generation = ++this.#generation;
    this.#clearResult();
    let comparison;
    try {
      comparison = await compareApi.compare(ids);
    } catch (error) {
      if (generation === this.#generation) el.error.textContent = problemText(error);
      return;
    }
    if (generation !== this.#generation) return;
    const { runs, differences } = comparison;
    el.result.hidden = false;
    const url = `${location.origin}${location.pathname}#/compare?jobs=${runs.map((r) => r.id).join(',')}`;
    el.share.replaceChildren('Share this comparison with whoever may read all its runs: ', h('a', { href: url, dataset: { testid: 'compare-link' } }, url));
    this.#renderCurves(runs);
    this.#renderDifferences(runs, differences);
    this.#renderPerClass(runs);
    this.#renderImages(runs);
    const patches = runs.flatMap((run, i) => (run.evaluations ?? [])
      .filter((e) => e.kind === 'patchReconstruction' && e.imageUrl)
      .map((e) => ({ name: runName(run, i), imageUrl: e.imageUrl.replace(/^\//, ''), width: e.result.width, height: e.result.height })));
    el.homework2.closest('section').hidden = patches.length === 0;
    if (patches.length > 0) await this.#homework2.show(patches);
  }

  #renderCurves(runs) {
    const el = this.#el;
    this.#chart?.reset();
    el.chart.replaceChildren(h('p', { class: 'chart__empty muted' }, 'No finished epochs yet.'));
    this.#chart = new EpochChart(el.chart, {
      yLabel: 'reconstruction error',
      log: el.log.checked,
      series: runs.map((run, i) => ({ key: `r${i}`, label: runName(run, i), color: COLOURS[i] })),
    });
    const rows = new Map();
    runs.forEach((run, i) => {
      for (const metric of run.history ?? []) {
        const row = rows.get(metric.epoch) ?? {};
        row[`r${i}`] = metric.reconstructionError;
        rows.set(metric.epoch, row);
      }
    });
    this.#chart.setReports([...rows].map(([epoch, report]) => ({ epoch, report })));
    el.chart.dataset.scale = el.log.checked ? 'log' : 'linear';
  }

  #renderDifferences(runs, differences) {
    const el = this.#el;
    if (differences.length === 0) {
      el.differences.replaceChildren(h('p', { dataset: { testid: 'compare-same' } }, 'Every setting is the same in these runs.'));
      return;
    }
    el.differences.replaceChildren(h('table', { class: 'table stepper-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Setting'), runs.map((run, i) => h('th', {}, runName(run, i))))),
      h('tbody', {}, differences.map((d) => h('tr', { dataset: { testid: 'compare-difference-row', setting: d.setting } },
        h('th', { scope: 'row' }, d.setting), d.values.map((v) => h('td', {}, v ?? '—')))))));
  }

  #renderPerClass(runs) {
    const el = this.#el;
    const tables = runs.map((run) => (run.evaluations ?? []).find((e) => e.kind === 'perClass')?.result?.classes ?? null);
    el.perClass.closest('section').hidden = tables.every((t) => t === null);
    const digits = [...new Set(tables.flatMap((t) => t ?? []).map((c) => c.digit))].sort((a, b) => a - b);
    el.perClass.replaceChildren(h('table', { class: 'table stepper-table', dataset: { testid: 'compare-per-class-table' } },
      h('thead', {}, h('tr', {}, h('th', {}, 'Digit'), runs.map((run, i) => h('th', {}, runName(run, i))))),
      h('tbody', {}, digits.map((digit) => h('tr', {}, h('th', { scope: 'row' }, String(digit)), tables.map((t) => {
        const row = t?.find((c) => c.digit === digit);
        return h('td', { class: row?.trainedOn ? 'is-trained' : null }, row?.squaredError == null ? '—' : row.squaredError.toFixed(2));
      }))))));
  }

  #renderImages(runs) {
    const el = this.#el;
    const kinds = [...new Set(runs.flatMap((run) => [
      ...trainingImages(run),
      ...(run.evaluations ?? []).filter((e) => e.imageUrl).map((e) => e.imageUrl.split('/').pop()),
    ]))];
    el.images.replaceChildren(...kinds.map((kind) => h('div', { class: 'compare-image-row', dataset: { testid: `compare-images-${kind}` } },
      h('h3', {}, kind),
      h('div', { class: 'compare-image-strip' }, runs.map((run, i) => {
        const withheld = run.withheld?.images?.includes(kind);
        const has = trainingImages(run).includes(kind) || (run.evaluations ?? []).some((e) => e.imageUrl?.endsWith(`/${kind}`));
        const body = withheld ? h('p', { class: 'muted small' }, run.withheld.reason)
          : has ? h('img', { src: api.imageUrl(run.id, kind), alt: `${kind} of ${run.name}`, class: 'compare-image', onload: () => this.#applyZoom() })
            : h('p', { class: 'muted small' }, 'None for this run.');
        return h('figure', { class: 'compare-figure' }, body, h('figcaption', {}, runName(run, i)));
      })))));
  }

  /** Every image at the same integer scale of its own pixels, so equal sizes stay equal side by side. */
  #applyZoom() {
    const zoom = Number(this.#el.zoom.value);
    for (const img of this.#el.images.querySelectorAll('img.compare-image')) {
      if (img.naturalWidth > 0) img.style.width = `${img.naturalWidth * zoom}px`;
    }
  }
}
