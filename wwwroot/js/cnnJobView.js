// The page of one CNN job (#/jobs/{id} of a job of kind "cnn"): progress, loss and error curves (train and
// validation), the filters of every convolution layer, the feature maps of a chosen test image, the confusion
// matrix and the misclassified images with their predicted and true labels; cancel and model download.
// Live through the hub (Snapshot, StatusChanged, Progress, StageEpochCompleted, Image); polls without it.

import { api } from './api.js';
import { EpochChart, cssVar } from './charts.js';
import { h, statusBadge } from './dom.js';
import { formatDuration, formatError, formatInteger, formatRate, isTerminal, sameId } from './format.js';
import { describeLayer } from './cnnShapes.js';
import { live } from './live.js';
import { LiveJobView } from './liveJobView.js';

const STAGE = 'train';

const percent = (value) => (typeof value === 'number' && Number.isFinite(value) ? `${formatError(value)} %` : '–');

export class CnnJobView extends LiveJobView {
  #el = {};
  #lossChart;
  #errorChart;
  #stages = new Map(); // epoch -> metrics
  #imageVersions = {};
  #model = null;

  constructor(root) {
    super(root, { readOverHttpFirst: true });
    this.onJobMessage('Progress', (progress) => progress?.jobId, (progress) => this.#setProgress(progress));
    this.onJobMessage('StageEpochCompleted', (message) => message?.jobId, (message) => this.#addStage(message.epoch));
  }

  applyStatus(job) {
    this.setJob({ ...this.job, ...job, stages: job.stages ?? this.job?.stages });
  }

  /** A hub error (no HTTP status) only costs the live updates; an HTTP error means the job cannot be read. */
  showWatchError(error) {
    if (error?.status === undefined) {
      this.#notice(`Live updates unavailable: ${error?.message ?? error}`);
      return;
    }
    this.#el.name.textContent = 'Job not available';
    this.#el.error.hidden = false;
    this.#el.error.textContent = error.status === 404 ? `Job ${this.jobId} was not found.` : error.message ?? String(error);
  }

  // ---------- building ----------

  build() {
    const el = this.#el;
    el.name = h('h1', { id: 'cnn-job-name', class: 'card__title', tabindex: '-1' }, 'CNN job');
    el.status = h('span', { id: 'cnn-job-status', class: 'badge', role: 'status', 'aria-live': 'polite', dataset: { testid: 'cnn-job-status', status: '' } }, '…');
    el.meta = h('p', { class: 'muted job-head__meta', id: 'cnn-job-meta' });
    el.error = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'cnn-job-error' } });
    el.notice = h('div', { class: 'notice', role: 'status', hidden: true });
    el.progress = h('progress', { id: 'cnn-job-progress', max: '1', value: '0', dataset: { testid: 'cnn-job-progress' } });
    el.stats = {};
    const stat = (key, label) => {
      el.stats[key] = h('dd', { dataset: { testid: `cnn-stat-${key}` } }, '–');
      return h('div', {}, h('dt', {}, label), el.stats[key]);
    };
    el.cancel = h('button', { type: 'button', class: 'button button--danger', dataset: { testid: 'cnn-cancel' }, hidden: true, onclick: () => this.cancelWith(this.#el.cancel, (error) => this.#notice(error?.message ?? String(error))) }, 'Cancel job');
    el.download = h('a', { class: 'button button--primary', dataset: { testid: 'cnn-model-link' }, hidden: true, download: true }, 'Download model (.safetensors)');
    el.errors = h('dl', { class: 'stats cnn-errors', dataset: { testid: 'cnn-errors' } });
    el.architecture = h('ol', { class: 'cnn-architecture', dataset: { testid: 'cnn-architecture' } });
    el.settings = h('dl', { class: 'settings', dataset: { testid: 'cnn-settings' } });

    const lossChart = h('div', { class: 'chart', id: 'cnn-loss-chart', role: 'img', dataset: { testid: 'cnn-loss-chart', points: '0' }, 'aria-label': 'Loss: no data yet' },
      h('p', { class: 'chart__empty' }, 'The curve appears after the first epoch.'));
    const errorChart = h('div', { class: 'chart', id: 'cnn-error-chart', role: 'img', dataset: { testid: 'cnn-error-chart', points: '0' }, 'aria-label': 'Error: no data yet' },
      h('p', { class: 'chart__empty' }, 'The curve appears after the first epoch.'));
    const accent = cssVar('--chart-epoch', '#2457c5');
    const second = cssVar('--chart-batch', '#e07a1f');
    this.#lossChart = new EpochChart(lossChart, { yLabel: 'cross-entropy', series: [{ key: 'loss', label: 'train', color: accent }, { key: 'validLoss', label: 'validation', color: second }] });
    this.#errorChart = new EpochChart(errorChart, { yLabel: 'error %', series: [{ key: 'trainError', label: 'train', color: accent }, { key: 'validError', label: 'validation', color: second }, { key: 'evaluatedError', label: 'evaluated set', color: '#1e7b40', dash: [4, 4] }] });

    el.filters = h('div', { class: 'cnn-filters', dataset: { testid: 'cnn-filters' } }, h('p', { class: 'image-frame__empty' }, 'Filters appear once training starts.'));
    el.featureImg = h('img', { class: 'cnn-pixelated', alt: 'Feature maps of a test image at every layer, one row per layer', hidden: true, dataset: { testid: 'cnn-feature-maps-img' } });
    el.featureRows = h('ol', { class: 'cnn-feature-rows small', start: '0' });
    el.featureCaption = h('p', { class: 'muted small', dataset: { testid: 'cnn-feature-caption' } }, 'The first test image, while training.');
    el.featureIndex = h('input', { type: 'number', id: 'cnn-feature-index', min: '0', step: '1', value: '0', inputmode: 'numeric', dataset: { testid: 'cnn-feature-index' } });
    el.featureError = h('p', { class: 'field__error', role: 'alert', id: 'cnn-feature-error' });
    el.confusion = h('div', { class: 'cnn-confusion', dataset: { testid: 'cnn-confusion' } }, h('p', { class: 'image-frame__empty' }, 'The confusion matrix appears after the first epoch.'));
    el.confusionCaption = h('p', { class: 'muted small', id: 'cnn-confusion-caption' });
    el.misclassifiedImg = h('img', { class: 'cnn-pixelated', alt: 'Misclassified images, ten per row', hidden: true, dataset: { testid: 'cnn-misclassified-img' } });
    el.misclassifiedList = h('ol', { class: 'cnn-misclassified-list small', dataset: { testid: 'cnn-misclassified-list' } });
    el.misclassifiedCaption = h('p', { class: 'muted small' });

    const card = (id, title, ...children) => h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id, class: 'card__title' }, title), ...children);

    this.root.replaceChildren(
      h('p', { class: 'back' }, h('a', { href: '#/cnn' }, '← New CNN'), ' · ', h('a', { href: '#/jobs' }, 'All jobs')),
      h('section', { class: 'card job-head', 'aria-labelledby': 'cnn-job-name' },
        h('div', { class: 'job-head__title' }, el.name, el.status),
        el.meta,
        el.error,
        el.notice,
        h('div', { class: 'progress-block' },
          h('label', { for: 'cnn-job-progress', class: 'visually-hidden' }, 'Training progress'),
          el.progress,
          h('dl', { class: 'stats' }, stat('epoch', 'Epoch'), stat('batch', 'Batch'), stat('loss', 'Batch loss'), stat('speed', 'Speed'), stat('eta', 'Time left'), stat('stage', 'Stage'))),
        el.errors,
        h('div', { class: 'job-actions' }, el.cancel, el.download, this.deletion.button),
        this.deletion.error),
      h('div', { class: 'job-grid' },
        card('cnn-loss-heading', 'Loss', h('p', { class: 'hint' }, 'Mean cross-entropy per epoch: on the training rows (measured while training) and on the validation rows.'), lossChart),
        card('cnn-error-heading', 'Error', h('p', { class: 'hint' }, 'Misclassified samples in percent: training, validation, and the set the confusion matrix is measured on.'), errorChart)),
      h('div', { class: 'job-grid' },
        card('cnn-arch-heading', 'Network', el.architecture, el.settings),
        card('cnn-filters-heading', 'Convolution filters', h('p', { class: 'hint' }, 'Each tile is one kernel (averaged over its input channels), black = lowest, white = highest weight.'), el.filters)),
      card('cnn-maps-heading', 'Feature maps',
        h('p', { class: 'hint' }, 'A test image and its activations after every layer, one row per layer (at most 16 maps each; dense layers as a square of units).'),
        h('form', { class: 'cnn-feature-form', onsubmit: (event) => { event.preventDefault(); this.#loadFeatureMaps(); } },
          h('label', { for: 'cnn-feature-index' }, 'Test image index'), el.featureIndex,
          h('button', { type: 'submit', class: 'button button--secondary', dataset: { testid: 'cnn-feature-show' } }, 'Show')),
        el.featureError,
        el.featureCaption,
        h('div', { class: 'cnn-feature-maps' }, h('figure', { class: 'image-frame' }, el.featureImg), el.featureRows)),
      h('div', { class: 'job-grid' },
        card('cnn-confusion-heading', 'Confusion matrix', el.confusionCaption, el.confusion),
        card('cnn-misclassified-heading', 'Misclassified', el.misclassifiedCaption, h('figure', { class: 'image-frame' }, el.misclassifiedImg), el.misclassifiedList)));
  }

  #featureRequested = false;

  #notice(text) {
    this.#el.notice.textContent = text;
    this.#el.notice.hidden = !text;
  }

  // ---------- state ----------

  setJob(job) {
    if (!job) return;
    this.job = job;
    this.deletion.update(job);
    const el = this.#el;
    el.name.textContent = job.name ?? 'CNN job';
    el.status.replaceWith(el.status = statusBadge(job.status, { id: 'cnn-job-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'cnn-job-status', status: job.status ?? '' } }));
    el.meta.textContent = `id ${job.id}${job.resumedFromEpoch ? ` · resumed after epoch ${job.resumedFromEpoch}` : ''}`;
    el.error.hidden = !job.error;
    el.error.textContent = job.error ? `Failed: ${job.error}` : '';
    el.cancel.hidden = isTerminal(job.status);
    if (job.progress) this.#setProgress(job.progress);
    if (job.status === 'Succeeded') el.progress.value = 1;
    for (const stage of job.stages ?? []) this.#addStage(stage, false);
    this.#renderCharts();
    this.#renderSpec(job);
    if (job.modelId) {
      el.download.href = api.modelFileUrl(job.modelId);
      el.download.hidden = false;
      if (!this.#model || !sameId(this.#model.id, job.modelId)) this.#loadModel(job.modelId);
    }
    if (isTerminal(job.status)) this.stopPolling();
  }

  #setProgress(progress) {
    const el = this.#el;
    el.progress.value = progress.fraction ?? 0;
    el.stats.epoch.textContent = `${progress.epoch} / ${progress.epochs}`;
    el.stats.batch.textContent = `${progress.batch} / ${progress.batchesPerEpoch}`;
    el.stats.loss.textContent = formatError(progress.loss);
    el.stats.speed.textContent = formatRate(progress.samplesPerSecond);
    el.stats.eta.textContent = this.job && isTerminal(this.job.status) ? '–' : formatDuration(progress.etaSeconds);
    const done = this.job && isTerminal(this.job.status);
    el.stats.stage.textContent = done ? this.job.status.toLowerCase()
      : progress.stage === 'evaluating' ? 'evaluating on the test set' : progress.phase ?? progress.stage ?? '–';
  }

  #addStage(stage, render = true) {
    if (!stage || stage.stage !== STAGE) return;
    this.#stages.set(stage.epoch, stage.metrics ?? {});
    if (!render) return;
    this.#renderCharts();
  }

  #renderCharts() {
    const rows = [...this.#stages.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, report]) => ({ epoch, report }));
    this.#lossChart.setReports(rows);
    this.#errorChart.setReports(rows);
    const latest = rows.at(-1)?.report;
    if (!latest) return;
    if (!this.#model) {
      this.#renderErrors({ train: latest.trainError, valid: latest.validError, [latest.evaluatedOn ?? 'evaluated']: latest.evaluatedError }, `after epoch ${rows.at(-1).epoch}`);
      if (latest.confusion) this.#renderConfusion(latest.confusion, `${latest.evaluatedOn === 'validation' ? 'Validation rows' : `First ${formatInteger(latest.evaluatedCount)} test images`} after epoch ${rows.at(-1).epoch}; rows are true classes, columns predictions.`);
      if (latest.misclassified) this.#renderMisclassified(latest.misclassified, latest.evaluatedOn);
    }
  }

  #renderErrors(errors, when) {
    const items = Object.entries(errors).filter(([, v]) => typeof v === 'number');
    this.#el.errors.replaceChildren(...items.map(([name, value]) => h('div', {},
      h('dt', {}, `${name === 'valid' ? 'validation' : name} error`),
      h('dd', { dataset: { testid: `cnn-error-${name}` } }, percent(value)))),
    items.length ? h('div', {}, h('dt', {}, 'measured'), h('dd', {}, when)) : null);
  }

  #renderSpec(job) {
    const spec = job.cnn;
    if (!spec) return;
    this.#el.architecture.replaceChildren(...(spec.layers ?? []).map((layer) => h('li', {}, describeLayer(layer))));
    const data = job.data ?? {};
    const entries = [
      ['Data', data.dataset === 'user' ? `uploaded data set${data.limit ? `, first ${formatInteger(data.limit)}` : ''}` : `MNIST ${data.imageSize}×${data.imageSize}${data.limit ? `, first ${formatInteger(data.limit)} digits` : ''}`],
      ['Validation rows', formatInteger(spec.validation ?? 0)],
      ['Test digits', data.dataset === 'user' ? '–' : spec.testLimit ? `first ${formatInteger(spec.testLimit)}` : 'all 10,000'],
      ['Optimizer', `${spec.optimizer}, ε ${spec.learningRate}${spec.optimizer === 'sgd' ? `, momentum ${spec.momentum}` : ''}${spec.learningRateDecay !== 1 ? `, decay ${spec.learningRateDecay}/epoch` : ''}`],
      ['Weight decay', String(spec.weightDecay ?? 0)],
      ['Batch × epochs', `${spec.batchSize} × ${spec.epochs}`],
      ['Initialization', spec.init ?? 'automatic'],
      ['Augmentation', spec.augment ? `±${spec.augment.rotation}°, scale ±${spec.augment.scale}, shift ±${spec.augment.shift} px` : 'none'],
      ['Seed', String(spec.seed)],
    ];
    this.#el.settings.replaceChildren(...entries.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
  }

  // ---------- images ----------

  applyImage(image) {
    if (!image?.kind || !image.pngBase64) return;
    if ((this.#imageVersions[image.kind] ?? -1) > image.version) return;
    this.#imageVersions[image.kind] = image.version;
    const src = `data:image/png;base64,${image.pngBase64}`;
    if (image.kind.startsWith('filters-')) {
      this.#filterFigure(image.kind).querySelector('img').src = src;
    } else if (image.kind === 'feature-maps') {
      if (this.#featureRequested) return; // the student's chosen image stays
      this.#el.featureImg.src = src;
      this.#el.featureImg.hidden = false;
      this.#el.featureCaption.textContent = `The first test image, after update ${image.version} of the weights shown live.`;
      if (this.#el.featureRows.childElementCount === 0) this.#renderFeatureRows();
    } else if (image.kind === 'misclassified') {
      this.#el.misclassifiedImg.src = src;
      this.#el.misclassifiedImg.hidden = false;
    }
  }

  #filterFigure(kind) {
    let figure = this.#el.filters.querySelector(`[data-kind="${CSS.escape(kind)}"]`);
    if (figure) return figure;
    this.#el.filters.querySelector('.image-frame__empty')?.remove();
    const index = Number(kind.slice('filters-'.length));
    figure = h('figure', { class: 'cnn-filter', dataset: { kind, testid: `cnn-${kind}` } },
      h('img', { class: 'cnn-pixelated', alt: `Kernels of convolution layer ${index}` }),
      h('figcaption', { class: 'muted small' }, `Convolution layer ${index}`));
    const figures = [...this.#el.filters.children, figure].sort((a, b) => Number(a.dataset.kind.slice(8)) - Number(b.dataset.kind.slice(8)));
    this.#el.filters.replaceChildren(...figures);
    return figure;
  }

  #renderFeatureRows(rows) {
    const layers = this.job?.cnn?.layers ?? [];
    const labels = rows ?? ['input', ...layers.map((layer, i) => `${i + 1} ${describeLayer(layer)}`)];
    this.#el.featureRows.replaceChildren(...labels.map((label) => h('li', {}, label)));
  }

  async #loadFeatureMaps() {
    const index = Number(this.#el.featureIndex.value);
    this.#el.featureError.textContent = '';
    if (!Number.isInteger(index) || index < 0) {
      this.#el.featureError.textContent = 'Enter a test image index: 0 or more.';
      return;
    }
    try {
      const maps = await api.featureMapsOfJob(this.jobId, index);
      this.#featureRequested = true;
      this.#el.featureImg.src = `data:image/png;base64,${maps.pngBase64}`;
      this.#el.featureImg.hidden = false;
      this.#el.featureCaption.textContent = `Test image ${maps.index}: true class ${maps.label}, predicted ${maps.predicted}${maps.label === maps.predicted ? ' ✓' : ' ✗'}.`;
      this.#renderFeatureRows(maps.rows);
    } catch (error) {
      this.#el.featureError.textContent = error?.errors?.index?.join(' ') || error?.message || 'The feature maps could not be rendered.';
    }
  }

  // ---------- confusion and misclassified ----------

  #renderConfusion(confusion, caption) {
    const classes = confusion.length;
    const max = Math.max(1, ...confusion.map((row, r) => Math.max(...row.filter((_, c) => c !== r), 0)));
    const table = h('table', { class: 'table cnn-confusion__table', dataset: { testid: 'cnn-confusion-table' } },
      h('caption', { class: 'visually-hidden' }, 'Confusion matrix: rows are true classes, columns predicted classes'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'true \\ predicted'), ...confusion.map((_, c) => h('th', { scope: 'col' }, String(c))))),
      h('tbody', {}, ...confusion.map((row, r) => h('tr', {},
        h('th', { scope: 'row' }, String(r)),
        ...row.map((count, c) => {
          const style = r === c
            ? 'background: var(--success-soft)'
            : count > 0 ? `background: rgb(180 35 24 / ${Math.round(10 + 60 * count / max)}%)` : '';
          return h('td', { class: r === c ? 'cnn-confusion__diagonal' : '', style }, String(count));
        })))));
    this.#el.confusion.replaceChildren(table);
    this.#el.confusion.dataset.classes = String(classes);
    this.#el.confusionCaption.textContent = caption;
  }

  #renderMisclassified(list, set) {
    const shown = list.slice(0, 40);
    this.#el.misclassifiedCaption.textContent = shown.length === 0
      ? 'No misclassified images.'
      : `The first ${shown.length} misclassified ${set === 'validation' ? 'validation rows' : 'test images'}, left to right, ten per row.`;
    this.#el.misclassifiedList.replaceChildren(...shown.map((m) => h('li', {}, `#${m.index}: predicted ${m.predicted}, true ${m.label}`)));
    if (shown.length === 0) this.#el.misclassifiedImg.hidden = true;
  }

  async #loadModel(modelId) {
    try {
      const model = await api.getModel(modelId);
      if (!this.isCurrent(model.jobId)) return;
      this.#model = model;
      const metrics = model.metrics ?? {};
      this.#renderErrors({ train: metrics.errors?.train, valid: metrics.errors?.valid, test: metrics.errors?.test }, `after training${model.architecture ? ` (${model.architecture})` : ''}`);
      if (metrics.confusion) this.#renderConfusion(metrics.confusion, `${metrics.evaluatedOn === 'test' ? `All ${formatInteger(metrics.evaluatedCount)} test images` : 'Validation rows'} after training; rows are true classes, columns predictions.`);
      if (metrics.misclassified) this.#renderMisclassified(metrics.misclassified, metrics.evaluatedOn);
    } catch (error) {
      this.#notice(`The model's metrics could not be loaded: ${error?.message ?? error}`);
    }
  }

  // ---------- HTTP fallback ----------

  async refreshImagesOverHttp() {
    if (live.connected) return; // the hub brings the images
    // Without the hub the images come from GET /api/jobs/{id}/images/{kind}.
    const kinds = ['feature-maps', 'misclassified', ...Object.keys(this.#imageVersions).filter((k) => k.startsWith('filters-'))];
    if (!kinds.includes('filters-1')) kinds.push('filters-1');
    for (const kind of kinds) {
      try {
        const blob = await api.jobImage(this.jobId, kind);
        const url = URL.createObjectURL(blob);
        if (kind.startsWith('filters-')) this.#filterFigure(kind).querySelector('img').src = url;
        else if (kind === 'misclassified') { this.#el.misclassifiedImg.src = url; this.#el.misclassifiedImg.hidden = false; }
        else if (!this.#featureRequested) { this.#el.featureImg.src = url; this.#el.featureImg.hidden = false; }
      } catch {
        // best effort while offline
      }
    }
  }
}
