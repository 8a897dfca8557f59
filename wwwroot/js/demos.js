// The lecture's demos (#/demos): feature maps (POST /api/demos/feature-maps → image/png) and Gibbs sampling
// streamed from the DemosHub (/hubs/demos, streaming method "Gibbs") as an animation that can be stopped.

import { api } from './api.js';
import { h, loadImage, mountMarkup } from './dom.js';
import { DEMOS_MARKUP } from './markup/demosMarkup.js';
import { formatClasses } from './format.js';
import { hubMessage, hubsAvailable, StreamingHub } from './hubs.js';

const demosHub = new StreamingHub('hubs/demos');

export class DemosPage {
  #el;
  #mapsUrl = null;
  /** The running Gibbs stream: { stop, stoppedBecause }. */
  #run = null;

  #root;

  constructor(root) {
    this.#root = root;
    mountMarkup(root, DEMOS_MARKUP);
    const $ = (selector) => root.querySelector(selector);
    this.#el = {
      fmForm: $('#feature-maps-form'),
      fmModel: $('#fm-model'),
      fmImage: $('#fm-image'),
      fmSubmit: $('#fm-submit'),
      fmStatus: $('#fm-status'),
      fmError: $('#fm-error'),
      fmImg: $('#fm-img'),
      fmEmpty: $('#fm-empty'),
      fmNote: $('#fm-note'),
      gibbsForm: $('#gibbs-form'),
      gibbsModel: $('#gibbs-model'),
      gibbsStart: $('#gibbs-start'),
      gibbsStop: $('#gibbs-stop'),
      gibbsStatus: $('#gibbs-status'),
      gibbsError: $('#gibbs-error'),
      gibbsImg: $('#gibbs-img'),
      gibbsEmpty: $('#gibbs-empty'),
    };
    this.#el.fmForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#showFeatureMaps();
    });
    this.#el.gibbsForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#startGibbs();
    });
    this.#el.gibbsStop.addEventListener('click', () => this.#stopGibbs('Stopped.'));
  }

  async load() {
    const [models, images] = await Promise.all([api.listModels().catch(() => []), api.listImages().catch(() => [])]);
    for (const select of [this.#el.fmModel, this.#el.gibbsModel]) {
      const current = select.value;
      select.replaceChildren(...(models.length === 0
        ? [h('option', { value: '' }, 'No trained model yet — train one first')]
        : models.map((m) => h('option', {
          value: m.id,
          dataset: { tile: m.imageWidth === m.imageHeight ? String(m.imageWidth) : '', hidden: String(m.hiddenUnits) },
        }, describeModel(m)))));
      if ([...select.options].some((o) => o.value === current)) select.value = current;
    }
    const currentImage = this.#el.fmImage.value;
    this.#el.fmImage.replaceChildren(...images.map((image) => h('option', { value: image.id },
      `${image.name}${image.source === 'builtin' ? ' (built in)' : ''}`)));
    const cat = images.find((image) => image.id === 'builtin:chelsea');
    if ([...this.#el.fmImage.options].some((o) => o.value === currentImage)) this.#el.fmImage.value = currentImage;
    else if (cat) this.#el.fmImage.value = cat.id;
  }

  show() {
    this.#root.hidden = false;
    this.load();
  }

  /** Leaving the page stops a running stream (the server cancels the chains). */
  hide() {
    this.#root.hidden = true;
    this.#stopGibbs('Stopped when you left the page.');
  }

  // ---------- feature maps ----------

  async #showFeatureMaps() {
    const el = this.#el;
    el.fmError.hidden = true;
    const modelId = el.fmModel.value;
    const size = Number(el.fmForm.elements.size.value);
    if (!modelId) {
      showError(el.fmError, 'Train a model first: the demo convolves the image with its filters.');
      return;
    }
    if (!Number.isInteger(size) || size < 2) {
      showError(el.fmError, 'The image size must be a whole number of pixels.');
      return;
    }
    el.fmSubmit.disabled = true;
    el.fmStatus.textContent = 'Convolving…';
    const started = performance.now();
    try {
      const blob = await api.featureMaps({ modelId, image: el.fmImage.value, size });
      if (this.#mapsUrl) URL.revokeObjectURL(this.#mapsUrl);
      this.#mapsUrl = URL.createObjectURL(blob);
      await loadImage(el.fmImg, this.#mapsUrl);
      el.fmImg.hidden = false;
      el.fmEmpty.hidden = true;
      el.fmStatus.textContent = `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
      const model = el.fmModel.selectedOptions[0]?.dataset ?? {};
      const tile = Number(model.tile);
      const hidden = Number(model.hidden);
      el.fmNote.textContent = Number.isFinite(tile) && tile > 0 && tile <= size
        ? `${hidden} maps of ${size - tile + 1}×${size - tile + 1} from ${tile}×${tile} filters on a ${size}×${size} image (valid convolution: ${size} − ${tile} + 1).`
        : '';
    } catch (error) {
      el.fmStatus.textContent = '';
      showError(el.fmError, error?.problem?.detail ?? error.message);
    } finally {
      el.fmSubmit.disabled = false;
    }
  }

  // ---------- Gibbs sampling ----------

  async #startGibbs() {
    const el = this.#el;
    el.gibbsError.hidden = true;
    const f = el.gibbsForm.elements;
    const request = {
      modelId: el.gibbsModel.value,
      start: f.start.value,
      chains: Number(f.chains.value),
      steps: Number(f.steps.value),
      every: Number(f.every.value),
      seed: Number(f.seed.value),
    };
    if (!request.modelId) {
      showError(el.gibbsError, 'Train a model first: the chains sample from it.');
      return;
    }
    if (!hubsAvailable) {
      showError(el.gibbsError, 'The SignalR client library is missing, so frames cannot be streamed.');
      return;
    }
    this.#stopGibbs(null);
    el.gibbsStart.disabled = true;
    el.gibbsStop.disabled = false;
    el.gibbsStatus.textContent = 'Connecting…';
    let frames = 0;
    el.gibbsImg.dataset.frames = '0';
    const run = {};
    this.#run = run;
    try {
      const stop = await demosHub.stream('Gibbs', request, {
        onItem: (frame) => {
          frames++;
          el.gibbsImg.src = `data:image/png;base64,${frame.pngBase64}`;
          el.gibbsImg.hidden = false;
          el.gibbsEmpty.hidden = true;
          el.gibbsImg.dataset.frames = String(frames);
          el.gibbsImg.dataset.step = String(frame.step);
          el.gibbsImg.alt = `The chains' visible means after ${frame.step} Gibbs steps`;
          el.gibbsStatus.textContent = `Step ${frame.step} of ${request.steps} · frame ${frames}`;
        },
        onDone: (error) => {
          if (this.#run !== run) return;
          this.#finishGibbs(error ? '' : run.stoppedBecause ?? `Finished: ${frames} frames.`);
          if (error) showError(el.gibbsError, hubMessage(error));
        },
      });
      run.stop = stop;
      if (run.stoppedBecause !== undefined) stop(); // stopped while connecting
      else if (this.#run === run) el.gibbsStatus.textContent = 'Sampling…';
    } catch (error) {
      if (this.#run !== run) return;
      this.#finishGibbs('');
      showError(el.gibbsError, `Could not reach the demos hub: ${error?.message ?? error}`);
    }
  }

  /** Stops the running chains (the server cancels them); message: what the status line says then. */
  #stopGibbs(message) {
    const run = this.#run;
    if (!run) return;
    run.stoppedBecause = message ?? '';
    if (run.stop) run.stop();
    else this.#finishGibbs(run.stoppedBecause);
  }

  #finishGibbs(message) {
    this.#run = null;
    this.#el.gibbsStart.disabled = false;
    this.#el.gibbsStop.disabled = true;
    this.#el.gibbsStatus.textContent = message;
  }
}

function describeModel(m) {
  const size = m.imageWidth && m.imageHeight ? `${m.imageWidth}×${m.imageHeight}` : '?';
  const what = m.patches ? 'patches' : m.data?.dataset === 'user' ? 'my data set' : `digits ${formatClasses(m.data?.classes)}`;
  return `${m.name} — ${m.hiddenUnits} × ${size} filters, ${what}`;
}

function showError(box, message) {
  box.replaceChildren(message);
  box.hidden = false;
}
