// The job page of a DBN job (#/jobs/{id}): a layer timeline (pre-training layer by layer, then fine-tuning) with
// per-layer metrics, live progress, layer-1 filters and higher-layer features projected to pixels, the error
// curves, and for classifiers the confusion matrix and the misclassified test digits. Live over /hubs/training
// (Snapshot, StatusChanged, Progress, StageEpochCompleted, Image); without a connection it polls the API.

import { api } from './api.js';
import { EpochChart, cssVar } from './charts.js';
import { h, statusBadge } from './dom.js';
import { formatClasses, formatDuration, formatError, formatQueueSlot, formatRate, formatTime, isTerminal } from './format.js';
import { LiveJobView } from './liveJobView.js';

const LAYER_COLOURS = ['#2457c5', '#e07a1f', '#1e7b40', '#9b3fb5', '#b42318', '#0f7c8c', '#6b5b00', '#555f6e'];

const percent = (value) => (typeof value === 'number' && Number.isFinite(value) ? `${Number(value.toFixed(2))} %` : '–');

function stageOrder(stage) {
  const match = /^pretrain-(\d+)$/.exec(stage);
  return match ? Number(match[1]) : 1000;
}

export class DbnJobView extends LiveJobView {
  #el = {};
  #stages = new Map(); // "stage:epoch" -> StageEpochDto
  #images = new Map(); // kind -> version
  #progress = null;
  #model = null;
  #modelRequested = false;
  #errorChart = null;
  #pretrainChart = null;
  #pretrainChartLayers = 0;

  constructor(root) {
    super(root);
    this.onJobMessage('Progress', (progress) => progress?.jobId, (progress) => {
      this.#progress = progress;
      this.#renderProgress();
      this.#renderTimeline();
    });
    this.onJobMessage('StageEpochCompleted', (message) => message?.jobId, (message) => {
      if (message.epoch) this.#addStages([message.epoch]);
    });
  }

  applySnapshot(snapshot) {
    this.#stages.clear();
    super.applySnapshot(snapshot);
  }

  showWatchError(error) {
    if (error?.status === 404) this.#showError('Job not found.');
    else this.#showError(`This job cannot be watched live: ${error?.message ?? error}`);
  }

  // ---------- markup ----------

  build() {
    const el = this.#el;
    el.name = h('h1', { id: 'dbn-job-name', class: 'card__title', tabindex: '-1' }, 'DBN job');
    el.status = h('span', {});
    el.meta = h('p', { class: 'muted dbn-job-meta' });
    el.error = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'dbn-job-error' } });
    el.cancel = h('button', { type: 'button', class: 'button button--danger', hidden: true, dataset: { testid: 'dbn-cancel' }, onclick: () => this.cancelWith(this.#el.cancel, (error) => this.#showError(`Cancel failed: ${error?.message ?? error}`)) }, 'Cancel');
    el.download = h('a', { class: 'button button--secondary', hidden: true, download: '', dataset: { testid: 'dbn-model-download' } }, 'Download model (.safetensors)');
    el.generate = h('a', { class: 'button button--link', href: '#/dbn', hidden: true, dataset: { testid: 'dbn-generate-link' } }, 'Generate digits from it');
    el.progress = h('progress', { max: 1, value: 0, 'aria-label': 'Progress of the whole run', dataset: { testid: 'dbn-progress' } });
    el.stats = {};
    const stat = (key, label) => {
      el.stats[key] = h('dd', { dataset: { testid: `dbn-stat-${key}` } }, '–');
      return h('div', {}, h('dt', {}, label), el.stats[key]);
    };
    el.timeline = h('ol', { class: 'dbn-timeline', dataset: { testid: 'dbn-timeline' }, 'aria-label': 'Layer timeline' });
    el.imageGrid = h('div', { class: 'dbn-images' });
    el.imageSlots = new Map();
    el.errorChart = h('div', { class: 'chart', dataset: { testid: 'dbn-error-chart' } }, h('p', { class: 'chart__empty empty' }, 'Error curves appear with the first fine-tuning epoch.'));
    el.pretrainChart = h('div', { class: 'chart', dataset: { testid: 'dbn-pretrain-chart' } }, h('p', { class: 'chart__empty empty' }, 'No pre-training epoch yet.'));
    el.errors = h('dl', { class: 'stats dbn-errors', dataset: { testid: 'dbn-errors' } });
    el.confusion = h('div', { class: 'table-wrap dbn-confusion', dataset: { testid: 'dbn-confusion' } }, h('p', { class: 'empty' }, 'The confusion matrix appears when the classifier is trained.'));
    el.misclassified = h('div', { dataset: { testid: 'dbn-misclassified' } }, h('p', { class: 'empty' }, 'Misclassified test digits appear when the classifier is trained.'));
    el.settings = h('dl', { class: 'settings-list dbn-settings' });

    this.root.replaceChildren(h('div', { class: 'dbn-job' },
      h('section', { class: 'card job-head', 'aria-labelledby': 'dbn-job-name' },
        h('div', { class: 'card__header' }, el.name, el.status),
        el.meta,
        el.error,
        h('div', { class: 'progress-block' }, el.progress,
          h('dl', { class: 'stats' }, stat('phase', 'Stage'), stat('epoch', 'Epoch'), stat('loss', 'Loss'), stat('speed', 'Speed'), stat('eta', 'Time left'))),
        h('div', { class: 'form-actions' }, el.cancel, el.download, el.generate, this.deletion.button),
        this.deletion.error),
      h('section', { class: 'card', 'aria-labelledby': 'dbn-timeline-heading' },
        h('h2', { id: 'dbn-timeline-heading', class: 'card__title' }, 'Layer timeline'),
        el.timeline),
      h('div', { class: 'dbn-charts' },
        h('section', { class: 'card', 'aria-labelledby': 'dbn-pretrain-heading' },
          h('h2', { id: 'dbn-pretrain-heading', class: 'card__title' }, 'Pre-training loss per layer'), el.pretrainChart),
        h('section', { class: 'card', 'aria-labelledby': 'dbn-error-heading' },
          h('h2', { id: 'dbn-error-heading', class: 'card__title' }, 'Classification error (%)'), el.errorChart)),
      h('section', { class: 'card', 'aria-labelledby': 'dbn-images-heading' },
        h('h2', { id: 'dbn-images-heading', class: 'card__title' }, 'What the layers learned'),
        h('p', { class: 'hint' }, 'Layer 1: each unit’s weights as pixels. Higher layers: each unit projected to pixel space through the weights below (W₁ᵀ…Wₗᵀ), normalized per tile.'),
        el.imageGrid),
      h('section', { class: 'card', 'aria-labelledby': 'dbn-results-heading' },
        h('h2', { id: 'dbn-results-heading', class: 'card__title' }, 'Results'),
        el.errors,
        h('h3', {}, 'Confusion matrix (test digits)'), el.confusion,
        h('h3', {}, 'Misclassified test digits'), el.misclassified),
      h('section', { class: 'card', 'aria-labelledby': 'dbn-settings-heading' },
        h('h2', { id: 'dbn-settings-heading', class: 'card__title' }, 'Settings'), el.settings)));

    const series = [
      { key: 'trainError', label: 'train', color: cssVar('--chart-epoch', '#2457c5') },
      { key: 'validError', label: 'valid', color: cssVar('--chart-batch', '#e07a1f') },
    ];
    this.#errorChart = new EpochChart(el.errorChart, { series, yLabel: 'error %' });
  }

  reset(jobId) {
    const el = this.#el;
    this.job = null;
    this.#stages.clear();
    this.#images.clear();
    this.#progress = null;
    this.#model = null;
    this.#modelRequested = false;
    el.name.textContent = 'Loading job…';
    el.status.replaceChildren();
    el.meta.textContent = `id ${jobId}`;
    el.error.hidden = true;
    el.cancel.hidden = true;
    el.download.hidden = true;
    el.generate.hidden = true;
    el.progress.value = 0;
    for (const dd of Object.values(el.stats)) dd.textContent = '–';
    el.timeline.replaceChildren();
    el.imageGrid.replaceChildren();
    el.imageSlots.clear();
    el.errors.replaceChildren();
    el.confusion.replaceChildren(h('p', { class: 'empty' }, 'The confusion matrix appears when the classifier is trained.'));
    el.misclassified.replaceChildren(h('p', { class: 'empty' }, 'Misclassified test digits appear when the classifier is trained.'));
    el.settings.replaceChildren();
    this.#errorChart.reset();
    this.#pretrainChart?.reset();
  }

  // ---------- state ----------

  setJob(job) {
    this.job = job;
    this.deletion.update(job);
    if (job.progress && (!this.#progress || job.status !== 'Running')) this.#progress = job.progress;
    this.#addStages(job.stages ?? [], false);
    const el = this.#el;
    el.name.textContent = job.name;
    el.status.replaceChildren(statusBadge(job.status, { dataset: { testid: 'dbn-job-status', status: job.status } }));
    const times = [`started ${formatTime(job.startedAt)}`];
    if (job.finishedAt) times.push(`finished ${formatTime(job.finishedAt)}`);
    if (job.resumedFromEpoch) times.push(`resumed after ${job.resumedFromEpoch} epochs`);
    el.meta.textContent = `id ${job.id} · ${times.join(' · ')}`;
    el.error.hidden = !job.error;
    el.error.textContent = job.error ? `Failed: ${job.error}` : '';
    el.cancel.hidden = isTerminal(job.status);
    el.download.hidden = !job.modelId;
    el.generate.hidden = !job.modelId;
    if (job.modelId) {
      el.download.href = api.modelFileUrl(job.modelId);
      el.generate.href = `#/dbn?model=${encodeURIComponent(job.modelId)}`;
    }
    this.#renderSettings();
    this.#renderProgress();
    this.#renderTimeline();
    this.#renderCharts();
    if (job.status === 'Succeeded' && job.modelId && !this.#modelRequested) this.#loadModel(job.modelId);
    if (isTerminal(job.status)) this.stopPolling();
  }

  #addStages(epochs, render = true) {
    for (const epoch of epochs) this.#stages.set(`${epoch.stage}:${epoch.epoch}`, epoch);
    if (render) {
      this.#renderTimeline();
      this.#renderCharts();
    }
  }

  #stageNames() {
    const spec = this.job?.dbn;
    const names = [];
    if (spec && spec.pretraining !== 'none') spec.layers.forEach((_, i) => names.push(`pretrain-${i + 1}`));
    if (spec && spec.fineTuning !== 'none') names.push(spec.fineTuning === 'classifierOnTop' ? 'classifier' : 'finetune');
    for (const epoch of this.#stages.values()) if (!names.includes(epoch.stage)) names.push(epoch.stage);
    return names.sort((a, b) => stageOrder(a) - stageOrder(b));
  }

  #epochsOf(stage) {
    return [...this.#stages.values()].filter((e) => e.stage === stage).sort((a, b) => a.epoch - b.epoch);
  }

  // ---------- rendering ----------

  #renderProgress() {
    const el = this.#el;
    const p = this.#progress;
    const finished = isTerminal(this.job?.status);
    el.progress.value = this.job?.status === 'Succeeded' ? 1 : p?.fraction ?? 0;
    el.stats.phase.textContent = finished ? (this.job?.status ?? '–') : p?.phase ?? (this.job?.status === 'Queued' ? formatQueueSlot(this.job.queue) : '–');
    el.stats.epoch.textContent = p ? `${p.epoch} / ${p.epochs}` : '–';
    el.stats.loss.textContent = formatError(p?.loss ?? null);
    el.stats.speed.textContent = formatRate(p?.samplesPerSecond);
    el.stats.eta.textContent = finished ? '–' : formatDuration(p?.etaSeconds);
  }

  #renderTimeline() {
    const spec = this.job?.dbn;
    if (!spec) return;
    const names = this.#stageNames();
    const running = this.job.status === 'Running';
    const phase = running ? this.#progress?.phase : null;
    const items = names.map((stage) => {
      const epochs = this.#epochsOf(stage);
      const pre = /^pretrain-(\d+)$/.exec(stage);
      const layerSpec = pre ? spec.layers[Number(pre[1]) - 1] : null;
      const total = layerSpec ? layerSpec.epochs : spec.backprop.epochs;
      const last = epochs.at(-1);
      const state = epochs.length >= total ? 'done' : stage === phase || (running && epochs.length > 0) ? 'active' : 'pending';
      const title = pre
        ? `Layer ${pre[1]} · ${layerSpec.hiddenUnits} units · ${spec.pretraining === 'rbm' ? 'RBM' : spec.pretraining}`
        : stage === 'classifier' ? 'Softmax on frozen features' : 'Fine-tuning (backprop, all layers)';
      const metrics = last?.metrics ?? {};
      const facts = pre
        ? [`loss ${formatError(metrics.loss ?? null)}`, metrics.trainError != null ? `train error ${percent(metrics.trainError)}` : null]
        : [`loss ${formatError(metrics.loss ?? null)}`, `train ${percent(metrics.trainError)}`, `valid ${percent(metrics.validError)}`,
          metrics.testError != null ? `test ${percent(metrics.testError)}` : null];
      return h('li', { class: `dbn-timeline__stage dbn-timeline__stage--${state}`, dataset: { testid: `dbn-stage-${stage}`, state }, 'aria-current': state === 'active' ? 'step' : null },
        h('span', { class: 'dbn-timeline__title' }, title),
        h('span', { class: 'dbn-timeline__epochs' }, `${epochs.length} / ${total} epochs`),
        h('progress', { max: total || 1, value: epochs.length, 'aria-label': `${title}: ${epochs.length} of ${total} epochs` }),
        h('span', { class: 'dbn-timeline__facts muted' }, last ? facts.filter(Boolean).join(' · ') : state === 'pending' ? 'waiting' : 'first epoch running…'));
    });
    this.#el.timeline.replaceChildren(...items);
  }

  #renderCharts() {
    const fine = [...this.#stages.values()].filter((e) => !e.stage.startsWith('pretrain-'));
    this.#errorChart.setReports(fine.map((e) => ({ epoch: e.epoch, report: { trainError: e.metrics?.trainError, validError: e.metrics?.validError } })));
    const layers = [...new Set([...this.#stages.values()].map((e) => /^pretrain-(\d+)$/.exec(e.stage)?.[1]).filter(Boolean))].map(Number).sort((a, b) => a - b);
    if (layers.length > 0 && layers.length !== this.#pretrainChartLayers) {
      this.#pretrainChart?.reset();
      this.#pretrainChart = new EpochChart(this.#el.pretrainChart, {
        series: layers.map((l) => ({ key: `l${l}`, label: `layer ${l}`, color: LAYER_COLOURS[(l - 1) % LAYER_COLOURS.length], scale: 'y' })),
        yLabel: 'loss',
      });
      this.#pretrainChartLayers = layers.length;
    }
    if (!this.#pretrainChart) return;
    const rows = new Map();
    for (const e of this.#stages.values()) {
      const layer = /^pretrain-(\d+)$/.exec(e.stage)?.[1];
      if (!layer) continue;
      if (!rows.has(e.epoch)) rows.set(e.epoch, {});
      rows.get(e.epoch)[`l${layer}`] = e.metrics?.loss;
    }
    this.#pretrainChart.setReports([...rows].map(([epoch, report]) => ({ epoch, report })));
  }

  applyImage(image) {
    if (!image?.kind || !image.pngBase64) return;
    const known = this.#images.get(image.kind);
    if (known !== undefined && known > image.version) return;
    this.#images.set(image.kind, image.version);
    const src = `data:image/png;base64,${image.pngBase64}`;
    if (image.kind === 'confusion') {
      this.#confusionImage(src);
      return;
    }
    if (image.kind === 'misclassified') {
      this.#misclassifiedImage(src);
      return;
    }
    const el = this.#el;
    let slot = el.imageSlots.get(image.kind);
    if (!slot) {
      const layer = image.kind === 'filters' ? 1 : Number(/^features-(\d+)$/.exec(image.kind)?.[1] ?? 0);
      const caption = layer === 1 ? 'Layer 1 filters' : `Layer ${layer} features (projected to pixels)`;
      const img = h('img', { class: 'pixelated', alt: `${caption}, first 100 units`, dataset: { testid: `dbn-image-${image.kind}` } });
      const version = h('span', { class: 'muted' });
      slot = { img, version, layer, figure: h('figure', { class: 'dbn-figure', dataset: { layer: String(layer) } }, img, h('figcaption', {}, caption, ' ', version)) };
      el.imageSlots.set(image.kind, slot);
      const figures = [...el.imageSlots.values()].sort((a, b) => a.layer - b.layer).map((s) => s.figure);
      el.imageGrid.replaceChildren(...figures);
    }
    slot.img.src = src;
    slot.version.textContent = `v${image.version}`;
  }

  #confusionImage(src) {
    const el = this.#el;
    let img = el.confusion.querySelector('img');
    if (!img) {
      img = h('img', { class: 'pixelated dbn-confusion-img', alt: 'Confusion matrix as a heat map: rows true digit, columns predicted', dataset: { testid: 'dbn-image-confusion' } });
      el.confusion.querySelector('.empty')?.remove();
      el.confusion.prepend(img);
    }
    img.src = src;
  }

  #misclassifiedImage(src) {
    const el = this.#el;
    let img = el.misclassified.querySelector('img');
    if (!img) {
      img = h('img', { class: 'pixelated dbn-misclassified-img', alt: 'Misclassified test digits, 10 per row', dataset: { testid: 'dbn-image-misclassified' } });
      el.misclassified.querySelector('.empty')?.remove();
      el.misclassified.prepend(img);
    }
    img.src = src;
  }

  async #loadModel(modelId) {
    this.#modelRequested = true;
    try {
      const model = await api.getModel(modelId);
      if (!this.isCurrent(model?.jobId)) return;
      this.#model = model;
      this.#renderResults();
    } catch {
      this.#modelRequested = false;
    }
  }

  #renderResults() {
    const el = this.#el;
    const metrics = this.#model?.metrics ?? {};
    const errors = metrics.errors ?? {};
    el.errors.replaceChildren(
      ...[['Train error', errors.train], ['Validation error', errors.valid], ['Test error', errors.test]]
        .map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', { dataset: { testid: `dbn-error-${label.split(' ')[0].toLowerCase()}` } }, percent(value)))),
      h('div', {}, h('dt', {}, 'Architecture'), h('dd', {}, this.#model?.architecture ?? metrics.architecture ?? '–')));

    const confusion = metrics.confusion;
    if (Array.isArray(confusion) && confusion.length > 0) {
      const max = Math.max(1, ...confusion.flatMap((row, t) => row.filter((_, p) => p !== t)));
      const table = h('table', { class: 'table dbn-confusion-table', dataset: { testid: 'dbn-confusion-table' } },
        h('caption', {}, 'Rows: true digit · columns: predicted digit · counts of test digits'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'true \\ predicted')),
          confusion.map((_, p) => h('th', { scope: 'col', class: 'num' }, String(p))))),
        h('tbody', {}, confusion.map((row, t) => h('tr', {},
          h('th', { scope: 'row' }, String(t)),
          row.map((count, p) => h('td', {
            class: `num ${p === t ? 'dbn-cell--diagonal' : count > 0 ? 'dbn-cell--error' : ''}`,
            style: p !== t && count > 0 ? `--dbn-heat: ${Math.min(1, count / max).toFixed(3)}` : null,
          }, String(count)))))));
      const img = el.confusion.querySelector('img');
      el.confusion.replaceChildren(...(img ? [img] : []), table);
    }

    const wrong = Array.isArray(metrics.misclassified) ? metrics.misclassified : [];
    if (wrong.length > 0) {
      const img = el.misclassified.querySelector('img');
      const list = h('ol', { class: 'dbn-misclassified-list', dataset: { testid: 'dbn-misclassified-list' }, 'aria-label': 'Predicted and true labels, in the order of the grid' },
        wrong.map((m) => h('li', {}, `test #${m.index}: predicted ${m.predicted}, true ${m.actual}`)));
      const details = h('details', { class: 'dbn-misclassified-details' },
        h('summary', {}, `Predicted and true labels of these ${wrong.length} digits (left to right, top to bottom)`), list);
      el.misclassified.replaceChildren(...(img ? [img] : []), details);
    } else if (errors.test != null && !el.misclassified.querySelector('img')) {
      el.misclassified.replaceChildren(h('p', { class: 'empty' }, 'No test digit was misclassified.'));
    }
  }

  #renderSettings() {
    const job = this.job;
    const spec = job?.dbn;
    if (!spec) return;
    const data = job.data ?? {};
    const side = data.imageSize ?? 28;
    const entries = [
      ['Data', `${data.dataset === 'user' ? 'uploaded data set' : 'MNIST'} · digits ${formatClasses(data.classes)} · ${data.limit ?? 'all'} rows · ${side}×${side}`],
      ['Validation / test', `${spec.validation} held-out rows · ${spec.testLimit ?? 'all'} test digits`],
      ['Layers', spec.layers.map((l) => l.hiddenUnits).join('-')],
      ['Pre-training', `${spec.pretraining}${spec.pretraining === 'rbm' ? ` (${spec.propagation} passed up)` : ''}${spec.joinLabels ? ' · labels joined to the top RBM' : ''}`],
      ['Fine-tuning', spec.fineTuning],
      ['Backprop', `ε ${spec.backprop.learningRate} · momentum ${spec.backprop.momentum} · weight decay ${spec.backprop.weightDecay} · batch ${spec.backprop.batchSize} · ${spec.backprop.epochs} epochs${spec.backprop.topLayerOnlyEpochs ? ` (first ${spec.backprop.topLayerOnlyEpochs} top layer only)` : ''}`],
      ['Seed', String(spec.seed)],
    ];
    this.#el.settings.replaceChildren(...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  #showError(text) {
    this.#el.error.hidden = false;
    this.#el.error.textContent = text;
  }

  // ---------- HTTP fallback ----------

  /** Without the hub: the latest images over HTTP (GET api/jobs/{id}/images/{kind}). */
  async refreshImagesOverHttp(job) {
    const layers = job.dbn?.layers?.length ?? 1;
    const kinds = ['filters', ...Array.from({ length: Math.max(0, layers - 1) }, (_, i) => `features-${i + 2}`)];
    if (job.status === 'Succeeded' && job.dbn?.fineTuning !== 'none') kinds.push('confusion', 'misclassified');
    for (const kind of kinds) {
      try {
        const blob = await api.jobImage(job.id, kind);
        if (!this.isCurrent(job.id)) continue;
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        this.applyImage({ jobId: job.id, kind, pngBase64: btoa(binary), version: (this.#images.get(kind) ?? 0) + 1 });
      } catch {
        // Not rendered yet; the next poll tries again.
      }
    }
  }
}
