// A model card's record of its training: the metric history and the images of the job and its evaluations.
// card: { model (the model the page shows now), shared, source ({modelId} or {token}) }.

import { api } from './api.js';
import { EpochChart, cssVar } from './charts.js';
import { h } from './dom.js';
import { problemText } from './http.js';
import { kindOf } from './kinds.js';
import { LearningCurve } from './learningCurve.js';
import { sharingApi } from './sharingApi.js';

const LAYER_COLOURS = ['#2457c5', '#e07a1f', '#1e7b40', '#9b3fb5', '#b42318', '#0f7c8c', '#6b5b00', '#555f6e'];

/** The image kind of an evaluation that renders one. */
const EVALUATION_IMAGES = {
  perClass: ['per-class', 'Test digits of every class (top rows) and their reconstructions'],
  patchReconstruction: ['patch-reconstruction', 'Patch reconstruction: the test image, from binary features and from probabilities'],
};


/** The metric history: the job's learning curve, or its error / per-layer loss curves. */
export async function renderHistoryPanel(section, card) {
  const { model, shared, source } = card;
  const heading = h('h2', { id: 'model-history-heading', class: 'card__title' }, 'Metric history');
  if (!model.jobId) {
    section.replaceChildren(heading, h('p', { class: 'empty' }, model.source === 'import'
      ? 'An imported model carries its final metrics only, not the curve of its training.'
      : 'The job that trained this model was deleted; the model keeps its final metrics, not the curve of its training.'));
    return;
  }
  const chart = h('div', { class: 'chart', dataset: { testid: 'model-history-chart' } }, h('p', { class: 'chart__empty empty' }, 'Loading the training history…'));
  section.replaceChildren(heading, chart);
  let job;
  try {
    job = shared ? await sharingApi.getSharedJob(source.token) : await sharingApi.getJob(model.jobId);
  } catch (error) {
    chart.replaceChildren(h('p', { class: 'empty' }, `The training job is not available: ${problemText(error)}`));
    chart.classList.remove('chart');
    return;
  }
  if (card.model !== model) return; // another model was opened meanwhile
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

/** The images of the model's training job and of its evaluations. */
export function renderImagesPanel(section, card) {
  const { model, shared, source } = card;
  const heading = h('h2', { id: 'model-images-heading', class: 'card__title' }, 'Images');
  if (!model.jobId) {
    section.replaceChildren(heading, h('p', { class: 'empty' }, model.source === 'import'
      ? 'An imported model has no images of its training.'
      : 'The job that trained this model was deleted, and the images of its training with it.'));
    return;
  }
  const url = (kind) => (shared ? sharingApi.sharedImageUrl(source.token, kind) : api.imageUrl(model.jobId, kind));
  // Images drawn from a private data set the viewer may not read are withheld by the server (404); say so instead.
  const withheld = new Set(model.withheld?.images ?? []);
  const figures = kindOf(model.kind).modelImages(model).map(([kind, caption]) => ({ url: url(kind), caption, kind }));
  for (const evaluation of model.evaluations ?? []) {
    const image = EVALUATION_IMAGES[evaluation.kind];
    if (evaluation.imageUrl && image) figures.push({ url: url(image[0]), caption: image[1], kind: image[0] });
  }
  const shown = figures.filter((figure) => !withheld.has(figure.kind));
  const hidden = figures.filter((figure) => withheld.has(figure.kind)).map((figure) => figure.caption.toLowerCase());
  const grid = h('div', { class: 'model-images' });
  for (const figure of shown) {
    const img = h('img', { src: figure.url, alt: figure.caption, loading: 'lazy', dataset: { testid: `model-image-${figure.kind}` } });
    const frame = h('figure', { class: 'model-image' }, h('div', { class: 'image-frame' }, img), h('figcaption', { class: 'small muted' }, figure.caption));
    img.addEventListener('error', () => frame.remove(), { once: true });
    grid.append(frame);
  }
  const note = hidden.length === 0 ? []
    : [h('p', { class: 'small muted', dataset: { testid: 'model-images-withheld' } }, `Not shown (${hidden.join('; ')}): ${model.withheld.reason}`)];
  section.replaceChildren(heading, grid, ...note);
}
