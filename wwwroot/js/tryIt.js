// "Try it" on a model card: draw a digit on a 28×28 grid (the pooling page's DrawPad) and see the model's
// reconstruction and, for classifiers, its class probabilities (POST …/try); for a patch model, upload an image
// and see its patch-by-patch reconstruction (POST …/try-image). The source is {modelId} or {token} (unlisted link).

import { h } from './dom.js';
import { kindOf } from './kinds.js';
import { DrawPad, paintGrid } from './poolingDraw.js';
import { isAbort, problemText } from './http.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, showFieldError } from './sharingUi.js';

const DRAW_SIDE = 28;
const DRAW_PIXELS = 280;
const RESULT_PIXELS = 196;
const TRY_DEBOUNCE_MS = 150;

/** Builds the panel for one model; call dispose() when the card goes away. */
export class TryPanel {
  #source;
  #model;
  #el = {};
  #pad = null;
  #timer = 0;
  #controller = null;
  #objectUrls = [];
  element;

  /**
   * @param {{modelId?: string, token?: string}} source how to reach the model
   * @param {object} model the ModelDto (kind, imageWidth, imageHeight, testError…)
   */
  constructor(source, model) {
    this.#source = source;
    this.#model = model;
    this.element = kindOf(model.kind).tryIt?.input === 'image' ? this.#buildImagePanel() : this.#buildDrawPanel();
  }

  dispose() {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    for (const url of this.#objectUrls) URL.revokeObjectURL(url);
    this.#objectUrls = [];
  }

  // ---------- drawing ----------

  #buildDrawPanel() {
    const el = this.#el;
    const model = this.#model;
    el.canvas = h('canvas', {
      width: DRAW_PIXELS, height: DRAW_PIXELS, class: 'try-canvas', tabindex: '0', role: 'application',
      'aria-label': 'Drawing grid, 28 by 28 cells: draw a digit with the mouse, pen or finger; or move with the arrow keys, Space paints a cell, Shift plus an arrow paints a line',
      dataset: { testid: 'try-canvas' },
    });
    el.clear = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'try-clear' } }, 'Clear');
    el.eraser = h('input', { type: 'checkbox', id: 'try-eraser', dataset: { testid: 'try-eraser' } });
    el.status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'try-status' } }, 'Draw a digit to see what the model makes of it.');
    el.error = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'try-error' } });
    el.recon = h('canvas', {
      width: RESULT_PIXELS, height: RESULT_PIXELS, class: 'try-canvas try-canvas--result', role: 'img',
      'aria-label': 'Reconstruction: nothing drawn yet', dataset: { testid: 'try-reconstruction', ink: '0' },
    });
    el.reconImg = h('img', { class: 'try-recon-img', alt: 'Reconstruction of the drawing', hidden: true, dataset: { testid: 'try-reconstruction-img' } });
    el.reconFigure = h('figure', { class: 'try-figure' }, el.recon, el.reconImg, h('figcaption', {}, 'Reconstruction'));
    el.probabilities = h('ol', { class: 'prob-bars', 'aria-label': 'Class probabilities', dataset: { testid: 'try-probabilities' } });
    el.predicted = h('p', { class: 'prob-predicted', dataset: { testid: 'try-predicted' } });
    el.probFigure = h('figure', { class: 'try-figure try-figure--probs', hidden: true }, el.predicted, el.probabilities, h('figcaption', {}, 'Class probabilities'));
    el.reconFigure.hidden = kindOf(model.kind).tryIt?.reconstructs === false;
    paintGrid(el.recon, DRAW_SIDE, DRAW_SIDE, () => 0, { lines: false });

    this.#pad = new DrawPad(el.canvas, DRAW_SIDE, () => this.#schedule());
    el.clear.addEventListener('click', () => {
      this.#pad.clear();
      el.canvas.focus();
    });
    el.eraser.addEventListener('change', () => { this.#pad.eraser = el.eraser.checked; });

    const size = model.imageWidth && model.imageHeight && (model.imageWidth !== DRAW_SIDE || model.imageHeight !== DRAW_SIDE)
      ? ` The model sees ${model.imageWidth}×${model.imageHeight} pixels: the server scales your drawing down.` : '';
    return h('div', { class: 'try', dataset: { testid: 'try-panel' } },
      h('p', { class: 'hint' }, `Draw with the left mouse button, erase with the right one.${size}`),
      h('div', { class: 'try-layout' },
        h('figure', { class: 'try-figure' }, el.canvas, h('figcaption', {}, 'Your drawing (28×28)')),
        el.reconFigure,
        el.probFigure),
      h('div', { class: 'form-actions' },
        el.clear,
        h('label', { class: 'check', for: 'try-eraser' }, el.eraser, 'Eraser'),
        el.status),
      el.error);
  }

  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tryDrawing(), TRY_DEBOUNCE_MS);
  }

  async #tryDrawing() {
    const el = this.#el;
    this.#controller?.abort();
    if (this.#pad.isEmpty) {
      this.#controller = null;
      this.#showResult(null);
      el.status.textContent = 'Draw a digit to see what the model makes of it.';
      el.error.hidden = true;
      return;
    }
    const controller = new AbortController();
    this.#controller = controller;
    const pixels = this.#pad.rows().flat();
    el.status.textContent = 'Asking the model…';
    try {
      const result = await sharingApi.tryDrawing(this.#source, { width: DRAW_SIDE, height: DRAW_SIDE, pixels }, controller.signal);
      if (controller.signal.aborted) return;
      el.error.hidden = true;
      this.#showResult(result);
      el.status.textContent = result?.predicted !== null && result?.predicted !== undefined
        ? `The model reads a ${result.predicted}.`
        : 'Reconstructed.';
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      el.status.textContent = '';
      el.error.textContent = problemText(error);
      el.error.hidden = false;
    }
  }

  #showResult(result) {
    const el = this.#el;
    const width = result?.width ?? DRAW_SIDE;
    const height = result?.height ?? DRAW_SIDE;
    const values = Array.isArray(result?.reconstruction) ? result.reconstruction : null;
    if (values) {
      el.recon.hidden = false;
      el.reconImg.hidden = true;
      paintGrid(el.recon, height, width, (r, c) => values[r * width + c] ?? 0, { lines: false });
      const ink = values.reduce((sum, v) => sum + (Number.isFinite(v) ? v : 0), 0);
      el.recon.dataset.ink = ink.toFixed(2);
      el.recon.setAttribute('aria-label', `Reconstruction, ${width}×${height} pixels`);
      el.reconFigure.hidden = false;
    } else if (result?.reconstructionPngBase64) {
      el.reconImg.src = `data:image/png;base64,${result.reconstructionPngBase64}`;
      el.reconImg.hidden = false;
      el.recon.hidden = true;
      el.reconFigure.hidden = false;
    } else {
      paintGrid(el.recon, DRAW_SIDE, DRAW_SIDE, () => 0, { lines: false });
      el.recon.dataset.ink = '0';
      el.recon.setAttribute('aria-label', 'Reconstruction: nothing drawn yet');
      el.recon.hidden = false;
      el.reconImg.hidden = true;
    }

    const probabilities = Array.isArray(result?.probabilities) ? result.probabilities : null;
    el.probFigure.hidden = !probabilities;
    if (!probabilities) {
      el.probabilities.replaceChildren();
      el.predicted.textContent = '';
      return;
    }
    const best = result.predicted ?? probabilities.indexOf(Math.max(...probabilities));
    el.predicted.textContent = `Prediction: ${best}`;
    el.probabilities.replaceChildren(...probabilities.map((p, digit) => {
      const percent = Math.max(0, Math.min(1, p)) * 100;
      return h('li', { class: `prob-bar${digit === best ? ' prob-bar--best' : ''}`, dataset: { testid: 'try-probability', digit: String(digit), p: p.toFixed(4) } },
        h('span', { class: 'prob-bar__digit' }, String(digit)),
        h('span', { class: 'prob-bar__track', 'aria-hidden': 'true' }, h('span', { class: 'prob-bar__fill', style: `width: ${percent.toFixed(1)}%` })),
        h('span', { class: 'prob-bar__value' }, `${percent.toFixed(1)} %`));
    }));
  }

  // ---------- image upload (patch models) ----------

  #buildImagePanel() {
    const el = this.#el;
    el.file = h('input', { type: 'file', id: 'try-image-file', name: 'file', accept: 'image/png,image/jpeg', dataset: { testid: 'try-image-file' } });
    el.fileError = errorFor(el.file, 'try-image-error');
    el.submit = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'try-image-submit' } }, 'Reconstruct');
    el.status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'try-status' } });
    el.original = h('img', { class: 'try-photo', alt: 'The uploaded image', hidden: true });
    el.result = h('img', { class: 'try-photo', alt: 'Its reconstruction, patch by patch', hidden: true, dataset: { testid: 'try-image-result' } });
    const form = h('form', { class: 'try', novalidate: true, dataset: { testid: 'try-panel' } },
      h('p', { class: 'hint' }, 'Upload a PNG or JPEG photo: the model reconstructs it patch by patch (overlapping patches averaged), as in homework 2.'),
      h('div', { class: 'field' }, h('label', { for: 'try-image-file' }, 'Image'), el.file, el.fileError),
      h('div', { class: 'form-actions' }, el.submit, el.status),
      h('div', { class: 'try-layout' },
        h('figure', { class: 'try-figure' }, el.original, h('figcaption', {}, 'Uploaded')),
        h('figure', { class: 'try-figure' }, el.result, h('figcaption', {}, 'Reconstruction'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#tryImage();
    });
    el.file.addEventListener('change', () => {
      if (el.file.files?.length) this.#tryImage();
    });
    return form;
  }

  #objectUrl(blob) {
    const url = URL.createObjectURL(blob);
    this.#objectUrls.push(url);
    return url;
  }

  async #tryImage() {
    const el = this.#el;
    showFieldError(el.file, el.fileError, '');
    const file = el.file.files?.[0];
    if (!file) {
      showFieldError(el.file, el.fileError, 'Choose a PNG or JPEG file first.');
      el.file.focus();
      return;
    }
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    el.original.src = this.#objectUrl(file);
    el.original.hidden = false;
    el.submit.disabled = true;
    el.status.textContent = 'Reconstructing…';
    try {
      const data = new FormData();
      data.append('file', file, file.name);
      const png = await sharingApi.tryImage(this.#source, data, controller.signal);
      el.result.src = this.#objectUrl(png);
      el.result.hidden = false;
      el.status.textContent = 'Reconstructed.';
    } catch (error) {
      if (isAbort(error)) return;
      el.status.textContent = '';
      el.result.hidden = true;
      showFieldError(el.file, el.fileError, problemText(error));
    } finally {
      el.submit.disabled = false;
    }
  }
}
