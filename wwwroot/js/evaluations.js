// The job page's evaluations: AIS log-likelihood, the homework-1 per-class table and grid, and the
// homework-2 patch reconstruction. Fed by JobDto.evaluations (Snapshot, StatusChanged, HTTP) and live by
// EvaluationCompleted({ jobId, evaluation }).

import { api } from './api.js';
import { h } from './dom.js';
import { kindOf } from './kinds.js';
import { formatDuration, formatError, formatInteger } from './format.js';

/** Salakhutdinov & Murray (2008), table 2: a 784–500 RBM trained with CD-25 on MNIST. */
const PUBLISHED_NATS = -86.3;

/** The contract's kinds, and the storage names that might leak through. */
const KIND_ALIASES = { ais: 'ais', perClass: 'perClass', homework1: 'perClass', 'per-class': 'perClass', patchReconstruction: 'patchReconstruction', 'patch-reconstruction': 'patchReconstruction' };

export class Evaluations {
  #el;
  #byKind = new Map();

  constructor(root) {
    const $ = (selector) => root.querySelector(selector);
    this.#el = {
      empty: $('#evaluations-empty'),
      hint: $('#evaluations-hint'),
      ais: $('#eval-ais'),
      aisStats: $('#ais-stats'),
      aisBar: $('#ais-bar'),
      perClass: $('#eval-per-class'),
      perClassRows: $('#per-class-rows'),
      perClassImg: $('#per-class-img'),
      perClassEmpty: root.querySelector('[data-empty-for="per-class"]'),
      patches: $('#eval-patches'),
      patchStats: $('#patch-stats'),
      patchImg: $('#patch-recon-img'),
      patchEmpty: root.querySelector('[data-empty-for="patch-reconstruction"]'),
    };
  }

  reset() {
    this.#byKind.clear();
    const el = this.#el;
    for (const card of [el.ais, el.perClass, el.patches]) card.hidden = true;
    el.aisStats.replaceChildren();
    el.aisBar.replaceChildren();
    el.perClassRows.replaceChildren();
    for (const [img, empty] of [[el.perClassImg, el.perClassEmpty], [el.patchImg, el.patchEmpty]]) {
      img.hidden = true;
      img.removeAttribute('src');
      empty.hidden = false;
    }
    el.patchStats.replaceChildren();
    el.empty.hidden = false;
    el.empty.textContent = 'No evaluation yet.';
  }

  /** What the job asked for, so the empty state can say what is coming. */
  describeRequested(job) {
    const evaluation = job?.evaluation ?? {};
    const requested = [
      evaluation.ais ? 'log-likelihood by AIS' : null,
      evaluation.perClass ? 'per-class reconstruction errors' : null,
      job ? kindOf(job.kind).extraEvaluation : null,
    ].filter(Boolean);
    if (this.#byKind.size > 0) return;
    const evaluating = job?.progress?.stage === 'evaluating';
    this.#el.empty.textContent = requested.length === 0
      ? 'This job asked for no evaluation.'
      : `${evaluating ? 'Evaluating now' : 'After training'}: ${requested.join(', ')}.`;
    if (job?.status === 'Succeeded' && requested.length > 0) this.#el.empty.textContent = 'No evaluation was stored for this job.';
  }

  setAll(evaluations) {
    for (const evaluation of evaluations ?? []) this.upsert(evaluation);
  }

  upsert(evaluation) {
    const kind = KIND_ALIASES[evaluation?.kind];
    if (!kind || !evaluation.result) return;
    const previous = this.#byKind.get(kind);
    if (previous && previous.createdAt === evaluation.createdAt && previous.imageUrl === evaluation.imageUrl) return;
    this.#byKind.set(kind, evaluation);
    this.#el.empty.hidden = true;
    if (kind === 'ais') this.#renderAis(evaluation.result);
    else if (kind === 'perClass') this.#renderPerClass(evaluation);
    else this.#renderPatches(evaluation);
  }

  #renderAis(r) {
    const el = this.#el;
    const errorBar = Number.isFinite(r.logZHigh) && Number.isFinite(r.logZLow) ? (r.logZHigh - r.logZLow) / 2 : null;
    el.aisStats.replaceChildren(...stats([
      ['log Z', `${fixed(r.logZ, 2)}${errorBar !== null ? ` ± ${fixed(errorBar, 2)}` : ''}`, 'ais-logz'],
      ['log Z interval (±3σ)', `[${fixed(r.logZLow, 2)}, ${fixed(r.logZHigh, 2)}]`],
      ['Avg. test log-probability', `${fixed(r.avgTestLogProbability, 2)} nats`, 'ais-avg'],
      ['Published (CD-25, 784–500)', `${fixed(PUBLISHED_NATS, 1)} nats`],
      ['Test digits', formatInteger(r.testCount)],
      ['Runs × temperatures', `${formatInteger(r.runs)} × ${formatInteger(r.betas)}`],
      ['Time', formatDuration(r.seconds)],
    ]));
    // Two bars on one scale: closer to 0 nats is better.
    const values = [['this model', r.avgTestLogProbability, 'ais-bar--model'], ['published CD-25', PUBLISHED_NATS, 'ais-bar--ref']];
    const scale = Math.max(...values.map(([, v]) => (Number.isFinite(v) ? Math.abs(v) : 0)), 1);
    el.aisBar.setAttribute('aria-label', `Average test log-probability ${fixed(r.avgTestLogProbability, 1)} nats against the published ${fixed(PUBLISHED_NATS, 1)} nats; closer to zero is better.`);
    el.aisBar.replaceChildren(...values.map(([label, value, cls]) => h('div', { class: 'ais-bar__row' },
      h('span', { class: 'ais-bar__label' }, label),
      h('span', { class: 'ais-bar__track' }, h('span', { class: `ais-bar__fill ${cls}`, style: `width: ${Number.isFinite(value) ? (Math.abs(value) / scale) * 100 : 0}%` })),
      h('span', { class: 'ais-bar__value' }, `${fixed(value, 1)} nats`))));
    el.ais.hidden = false;
  }

  #renderPerClass(evaluation) {
    const el = this.#el;
    const classes = [...(evaluation.result.classes ?? [])].sort((a, b) => a.digit - b.digit);
    const worst = Math.max(...classes.map((c) => (Number.isFinite(c.squaredError) ? c.squaredError : 0)), 1e-9);
    el.perClassRows.replaceChildren(...classes.map((c) => h('tr', {
      class: c.trainedOn ? 'per-class__row' : 'per-class__row per-class__row--untrained',
      dataset: { testid: 'per-class-row', digit: String(c.digit), trained: String(Boolean(c.trainedOn)) },
    },
    h('th', { scope: 'row' }, h('span', { class: 'per-class__digit' }, String(c.digit))),
    h('td', {}, c.trainedOn
      ? h('span', { class: 'tag tag--trained' }, 'trained on')
      : h('span', { class: 'tag tag--untrained' }, 'not trained on')),
    h('td', { class: 'num' }, formatInteger(c.count)),
    h('td', { class: 'num' }, formatError(c.squaredError)),
    h('td', { class: 'num' }, formatError(c.crossEntropy)),
    h('td', { class: 'per-class__bar-cell' }, h('span', {
      class: 'per-class__bar',
      style: `width: ${Number.isFinite(c.squaredError) ? Math.max(2, (c.squaredError / worst) * 100) : 0}%`,
      title: `squared error relative to the worst digit`,
    })))));
    const trained = classes.filter((c) => c.trainedOn);
    const untrained = classes.filter((c) => !c.trainedOn);
    const mean = (list) => list.reduce((sum, c) => sum + (c.squaredError ?? 0), 0) / Math.max(1, list.length);
    if (trained.length > 0 && untrained.length > 0) {
      el.perClassRows.append(h('tr', { class: 'per-class__summary' },
        h('td', { colspan: '6' }, `Mean squared error: ${formatError(mean(trained))} on trained digits, ${formatError(mean(untrained))} on the others.`)));
    }
    showImage(el.perClassImg, el.perClassEmpty, evaluation.imageUrl, evaluation.createdAt);
    el.perClass.hidden = false;
  }

  #renderPatches(evaluation) {
    const el = this.#el;
    const r = evaluation.result;
    el.patchStats.replaceChildren(...stats([
      ['Test image', `${formatInteger(r.width)} × ${formatInteger(r.height)}`],
      ['Error, binary features', formatError(r.binaryError), 'patch-binary-error'],
      ['Error, non-binary features', formatError(r.probabilityError), 'patch-probability-error'],
    ]));
    showImage(el.patchImg, el.patchEmpty, evaluation.imageUrl, evaluation.createdAt);
    el.patches.hidden = false;
  }
}

function stats(rows) {
  return rows.map(([label, value, testid]) => h('div', {}, h('dt', {}, label), h('dd', { dataset: testid ? { testid } : undefined }, value)));
}

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits).replace('-', '−') : '–';
}

function showImage(img, empty, url, version) {
  if (!url) return;
  img.onload = () => {
    img.hidden = false;
    empty.hidden = true;
  };
  img.onerror = () => {
    empty.textContent = 'The image could not be loaded.';
  };
  img.src = `${api.relative(url)}${url.includes('?') ? '&' : '?'}v=${encodeURIComponent(version ?? '')}`;
}
