// The job page (#/jobs/{id}): WatchJob → Snapshot first, then StatusChanged, Progress,
// EpochCompleted (with its monitoring report), Image and EvaluationCompleted messages keep it live.
// Without a hub connection it polls the HTTP API.

import { api } from './api.js';
import { ApiError } from './http.js';
import { h, mountMarkup } from './dom.js';
import { RBM_JOB_MARKUP } from './markup/rbmJobMarkup.js';
import { formatClasses, formatDate, formatDuration, formatError, formatInteger, formatQueueSlot, formatRate, formatTime, isTerminal } from './format.js';
import { Evaluations } from './evaluations.js';
import { kindOf } from './kinds.js';
import { LearningCurve } from './learningCurve.js';
import { live } from './live.js';
import { LiveJobView } from './liveJobView.js';
import { Monitoring } from './monitor.js';

const IMAGE_KINDS = ['filters', 'reconstructions'];

export class JobView extends LiveJobView {
  #el;
  #curve;
  #monitoring;
  #evaluations;
  #imageVersions = {};
  #liveSnapshot = false; // once the hub's Snapshot arrived, HTTP answers (possibly older) are ignored

  constructor(root) {
    super(root);
    mountMarkup(root, RBM_JOB_MARKUP);
    const $ = (selector) => root.querySelector(selector);
    this.#el = {
      name: $('#job-name'),
      status: $('#job-status'),
      id: $('#job-id'),
      times: $('#job-times'),
      error: $('#job-error'),
      notice: $('#job-notice'),
      progressBlock: $('.progress-block'),
      progress: $('#job-progress'),
      epoch: $('#stat-epoch'),
      batch: $('#stat-batch'),
      reconError: $('#stat-error'),
      speed: $('#stat-speed'),
      eta: $('#stat-eta'),
      stage: $('#stat-stage'),
      cancel: $('#cancel-job'),
      modelLink: $('#model-link'),
      modelsLink: $('#models-link'),
      settings: $('#job-settings'),
      historyRows: $('#history-rows'),
      images: {
        filters: { img: $('#filters-img'), empty: $('[data-empty-for="filters"]'), version: $('#filters-version') },
        reconstructions: { img: $('#reconstructions-img'), empty: $('[data-empty-for="reconstructions"]'), version: $('#reconstructions-version') },
      },
    };
    this.#curve = new LearningCurve($('#learning-curve'));
    this.#monitoring = new Monitoring(root);
    this.#evaluations = new Evaluations(root);

    this.#el.cancel.addEventListener('click', () => this.#cancel());
    this.#el.cancel.parentElement.append(this.deletion.button);
    this.#el.cancel.parentElement.after(this.deletion.error);
    live.on('Progress', (progress) => this.#onProgress(progress));
    live.on('EpochCompleted', (metrics) => this.#onEpochCompleted(metrics));
    live.on('EvaluationCompleted', (message) => this.#onEvaluationCompleted(message));
  }

  reset(jobId) {
    const el = this.#el;
    el.name.textContent = 'Loading job…';
    el.id.textContent = `id ${jobId}`;
    el.times.textContent = '';
    this.#setStatus('');
    el.error.hidden = true;
    el.notice.hidden = true;
    el.progress.value = 0;
    for (const key of ['epoch', 'batch', 'reconError', 'speed', 'eta', 'stage']) el[key].textContent = '–';
    el.cancel.hidden = true;
    el.modelLink.hidden = true;
    el.modelsLink.hidden = true;
    el.settings.replaceChildren();
    el.historyRows.replaceChildren(h('tr', {}, h('td', { colspan: '4', class: 'empty' }, 'No completed epoch yet.')));
    this.#imageVersions = {};
    this.#liveSnapshot = false;
    for (const kind of IMAGE_KINDS) {
      const image = el.images[kind];
      image.img.hidden = true;
      image.img.removeAttribute('src');
      image.empty.hidden = false;
      image.version.textContent = '';
    }
    this.#curve.reset();
    this.#monitoring.reset();
    this.#evaluations.reset();
  }

  // ---------- hub messages ----------

  applySnapshot(snapshot) {
    this.#liveSnapshot = true;
    super.applySnapshot(snapshot);
  }

  #onProgress(progress) {
    if (!this.isCurrent(progress?.jobId)) return;
    if (this.job && isTerminal(this.job.status)) return;
    this.#renderProgress(progress);
    this.#curve.addBatch(progress);
  }

  #onEpochCompleted(metrics) {
    if (!this.isCurrent(metrics?.jobId)) return;
    if (this.job) {
      const history = (this.job.history ?? []).filter((m) => m.epoch !== metrics.epoch);
      history.push(metrics);
      history.sort((a, b) => a.epoch - b.epoch);
      this.job = { ...this.job, history };
      this.#renderHistory(history);
      this.#monitoring.setHistory(history);
    }
    this.#curve.addEpoch(metrics.epoch, metrics.reconstructionError);
  }

  #onEvaluationCompleted(message) {
    if (!this.isCurrent(message?.jobId) || !message.evaluation) return;
    if (this.job) {
      const evaluations = (this.job.evaluations ?? []).filter((e) => e.kind !== message.evaluation.kind);
      this.job = { ...this.job, evaluations: [...evaluations, message.evaluation] };
    }
    this.#evaluations.upsert(message.evaluation);
  }

  showWatchError(error) {
    const message = String(error?.message ?? error);
    const notFound = /not found/i.test(message) || error?.status === 404;
    this.#el.name.textContent = notFound ? 'Job not found' : 'Job';
    this.#el.error.textContent = notFound
      ? 'There is no job with this id. It may belong to another data directory.'
      : `Could not watch this job: ${message.replace(/^.*HubException:\s*/, '')}`;
    this.#el.error.hidden = false;
  }

  // ---------- rendering ----------

  setJob(job) {
    const previous = this.job;
    this.job = job;
    this.deletion.update(job);
    const el = this.#el;
    el.name.textContent = job.name || 'RBM job';
    document.title = `${job.name || 'Job'} · ${job.status} · DeepNetService`;
    this.#setStatus(job.status);
    el.times.textContent = [
      `created ${formatDate(job.createdAt)}`,
      job.startedAt ? `started ${formatTime(job.startedAt)}` : null,
      job.finishedAt ? `finished ${formatTime(job.finishedAt)}` : null,
      job.resumedFromEpoch ? `resumed after epoch ${job.resumedFromEpoch}` : null,
    ].filter(Boolean).join(' · ');

    el.error.hidden = job.status !== 'Failed';
    el.error.textContent = job.status === 'Failed' ? `Training failed: ${job.error || 'unknown error'}` : '';
    for (const kind of IMAGE_KINDS) {
      // The server leaves out images drawn from a private data set the viewer may not read; say why instead of "appears once…".
      const { empty } = el.images[kind];
      empty.dataset.text ??= empty.textContent;
      empty.textContent = job.withheld?.images?.includes(kind) ? `Not shown: ${job.withheld.reason}` : empty.dataset.text;
    }
    el.notice.hidden = !(job.status === 'Queued' || job.status === 'Canceled');
    el.notice.textContent = job.status === 'Queued'
      ? `Waiting in the queue (${formatQueueSlot(job.queue)}): students take turns, each one's jobs in the order submitted.`
      : job.status === 'Canceled' ? 'This job was canceled. The filters and curve show how far it got.' : '';

    el.cancel.hidden = isTerminal(job.status);
    el.cancel.disabled = false;
    el.cancel.textContent = 'Cancel job';

    if (job.modelId) {
      el.modelLink.href = api.modelFileUrl(job.modelId);
      el.modelLink.hidden = false;
      el.modelsLink.hidden = false;
    } else {
      el.modelLink.hidden = true;
      el.modelsLink.hidden = true;
    }

    if (job.progress) this.#renderProgress(job.progress);
    if (job.status === 'Succeeded') {
      el.progress.value = 1;
      el.eta.textContent = 'done';
    } else if (isTerminal(job.status)) {
      el.eta.textContent = '–';
    }

    this.#renderSettings(job);
    // Patch jobs have no digit reconstructions: their reconstruction is the test image under Evaluations.
    this.#el.images.reconstructions.img.closest('section').hidden = !kindOf(job.kind).reconstructsDigits;
    this.#renderHistory(job.history ?? []);
    this.#curve.setHistory(job.history ?? []);
    this.#monitoring.setHistory(job.history ?? []);
    this.#evaluations.setAll(job.evaluations ?? []);
    this.#evaluations.describeRequested(job);
    if (isTerminal(job.status)) el.stage.textContent = job.status === 'Succeeded' ? 'done' : '–';

    if (job.modelId && !previous?.modelId) window.dispatchEvent(new CustomEvent('deepnet:model-ready', { detail: job }));
    if (isTerminal(job.status)) {
      this.stopPolling();
      if (live.state === 'offline' && job.startedAt) this.#loadImagesOverHttp();
    }
  }

  #setStatus(status) {
    this.#el.status.dataset.status = status;
    this.#el.status.textContent = status || '…';
    this.#el.progressBlock.dataset.status = status;
  }

  #renderProgress(p) {
    const el = this.#el;
    el.progress.value = Math.min(1, Math.max(0, p.fraction ?? 0));
    el.progress.setAttribute('aria-valuetext', `${Math.round((p.fraction ?? 0) * 100)}% — epoch ${p.epoch} of ${p.epochs}`);
    el.epoch.textContent = p.epochs ? `${p.epoch} / ${p.epochs}` : '–';
    el.batch.textContent = p.batchesPerEpoch ? `${formatInteger(p.batch)} / ${formatInteger(p.batchesPerEpoch)}` : '–';
    el.reconError.textContent = formatError(p.reconstructionError);
    el.speed.textContent = formatRate(p.samplesPerSecond);
    el.eta.textContent = this.job && isTerminal(this.job.status) ? (this.job.status === 'Succeeded' ? 'done' : '–') : formatDuration(p.etaSeconds);
    if (p.stage && !(this.job && isTerminal(this.job.status))) {
      el.stage.textContent = p.stage;
      el.stage.dataset.stage = p.stage;
      if (p.stage === 'evaluating') el.eta.textContent = 'evaluating…';
    }
  }

  #renderHistory(history) {
    if (history.length === 0) {
      this.#el.historyRows.replaceChildren(h('tr', {}, h('td', { colspan: '4', class: 'empty' }, 'No completed epoch yet.')));
      return;
    }
    this.#el.historyRows.replaceChildren(...history.map((m) => h('tr', {},
      h('td', {}, String(m.epoch)),
      h('td', { class: 'num' }, formatError(m.reconstructionError)),
      h('td', { class: 'num' }, formatInteger(m.samplesPerSecond)),
      h('td', { class: 'num' }, Number.isFinite(m.seconds) ? m.seconds.toFixed(1) : '–'))));
  }

  #renderSettings(job) {
    const rbm = job.rbm ?? {};
    const data = job.data ?? {};
    const patches = job.patches;
    const evaluation = job.evaluation ?? {};
    const off = (value) => (value === null || value === undefined ? 'off' : value);
    const gaussian = rbm.visibleType === 'Gaussian';
    const rows = [
      ['section', kindOf(job.kind).title],
      ['Hidden units', rbm.hiddenUnits],
      ['Visible units', gaussian ? `Gaussian, σ = ${rbm.sigma ?? 1}` : (rbm.visibleType ?? 'Bernoulli')],
      ['Negative phase', rbm.persistent ? `persistent CD-${rbm.k ?? 1}, ${rbm.persistentChains ?? 100} chains` : `CD-${rbm.k ?? 1}`],
      ['Learning rate ε', rbm.learningRate],
      ['Learning-rate decay', rbm.learningRateDecay === undefined || rbm.learningRateDecay === 1 ? 'none' : `× ${rbm.learningRateDecay} per epoch`],
      ['Momentum', rbm.initialMomentum === undefined ? '–'
        : `${rbm.initialMomentum} up to epoch ${rbm.momentumSwitchEpoch}, then ${rbm.finalMomentum}`],
      ['Weight decay λ', rbm.weightDecay],
      ['Sparsity', rbm.sparsityTarget === null || rbm.sparsityTarget === undefined ? 'off'
        : `target ${rbm.sparsityTarget}, cost ${rbm.sparsityCost}, decay ${rbm.sparsityDecay}`],
      ['Initial weights', rbm.initialWeightStdDev === undefined ? '–' : `N(0, ${rbm.initialWeightStdDev}²)`],
      ['Visible biases', rbm.initializeVisibleBiasFromData === false ? 'zero' : 'from the data'],
      ['Batch size', rbm.batchSize],
      ['Epochs', rbm.epochs],
      ['Seed', rbm.seed],
      ['Reconstruction x₂', rbm.sampleReconstruction === false ? 'mean-field' : 'sampled'],
    ];
    if (patches) {
      rows.push(
        ['section', 'Patches'],
        ['Train image', patches.trainImage],
        ['Test image', patches.testImage],
        ['Patch size', patches.patchSize ? `${patches.patchSize} × ${patches.patchSize}` : '–'],
        ['Patch count', patches.patchCount],
        ['Standardization', `${patches.standardization ?? '–'}${patches.zca ? ' + ZCA' : ''}`],
        ['Stride', patches.stride],
      );
    } else {
      const user = data.dataset === 'user';
      rows.push(
        ['section', 'Data'],
        ['Dataset', user ? `my data set ${data.datasetId ?? ''}` : `${data.dataset ?? 'mnist'} (${data.split ?? 'train'})`],
        ...(user ? [] : [['Digits', formatClasses(data.classes)], ['Image size', data.imageSize ? `${data.imageSize} × ${data.imageSize}` : '–']]),
        ['Limit', data.limit ?? 'all'],
        ['Binarize', data.binarizeThreshold === null || data.binarizeThreshold === undefined ? 'no (grayscale)' : `> ${data.binarizeThreshold}`],
      );
    }
    rows.push(
      ['section', 'Evaluation'],
      ['AIS', evaluation.ais ? `${evaluation.ais.runs} runs, ${evaluation.ais.betas} β, ${evaluation.ais.testLimit} test digits` : 'off'],
      ['Per class', evaluation.perClass ? `on, ${off(evaluation.perClassLimit)} digits per class` : 'off'],
    );
    this.#el.settings.replaceChildren(...rows.flatMap(([label, value]) => (label === 'section'
      ? [h('dt', { class: 'settings__section' }, value)]
      : [h('dt', {}, label), h('dd', {}, value === undefined || value === null ? '–' : String(value))])));
  }

  applyImage(image) {
    const target = this.#el.images[image?.kind];
    if (!target || !image.pngBase64) return;
    const version = Number(image.version ?? 0);
    if (version < (this.#imageVersions[image.kind] ?? -Infinity)) return; // an older frame arrived late
    this.#imageVersions[image.kind] = version;
    target.img.src = `data:image/png;base64,${image.pngBase64}`;
    target.img.hidden = false;
    target.empty.hidden = true;
    target.version.textContent = `Update ${version} · ${formatTime(new Date().toISOString())}`;
  }

  // ---------- actions ----------

  async #cancel() {
    const el = this.#el;
    el.cancel.disabled = true;
    el.cancel.textContent = 'Canceling…';
    try {
      await this.cancelJob();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        el.notice.textContent = 'The job had already finished.';
        el.notice.hidden = false;
        el.cancel.hidden = true;
      } else {
        el.error.textContent = `Cancel failed: ${error.message}`;
        el.error.hidden = false;
        el.cancel.disabled = false;
        el.cancel.textContent = 'Cancel job';
      }
    }
  }

  // ---------- HTTP fallback while the hub is unreachable ----------

  acceptsHttpAnswer() {
    return !(this.#liveSnapshot && live.connected);
  }

  async refreshImagesOverHttp(job) {
    // While the hub is merely connecting, its Snapshot brings the images; fetch them only when it is really down.
    if (live.state === 'offline' && job.startedAt && !isTerminal(job.status)) this.#loadImagesOverHttp();
  }

  #loadImagesOverHttp() {
    for (const kind of IMAGE_KINDS) {
      const target = this.#el.images[kind];
      const probe = new Image();
      probe.onload = () => {
        if (!this.isCurrent(this.jobId) || this.#imageVersions[kind] !== undefined) return;
        target.img.src = probe.src;
        target.img.hidden = false;
        target.empty.hidden = true;
      };
      probe.src = `${api.imageUrl(this.jobId, kind)}?t=${Date.now()}`;
    }
  }
}
