// The pooling playground (#/pooling, issue 5): max and average pooling of a matrix the student types, of a grid the
// student draws, and of an image (built in, uploaded earlier, or a file that is pooled and not stored).
// Every result comes from the server's pooling kernels (POST /api/pooling/matrix and /api/pooling/image).

import { api } from './api.js';
import { h, loadImage } from './dom.js';
import { isAbort, problemText } from './http.js';
import { poolingApi } from './poolingApi.js';
import { DrawPad, paintGrid } from './poolingDraw.js';
import { formatValue, modeName, moveInGrid, outputSide, resizeMatrix } from './poolingGrid.js';
import { buildPoolingPage, DRAW_SIDE, MAX_STRIDE, MAX_WINDOW } from './poolingMarkup.js';
import { Debounced } from './debounced.js';

const LECTURE_MATRIX = [[1, 2, 0, 3], [4, 3, 6, 5], [3, 4, 1, 2], [2, 7, 2, 0]];
const MATRIX_DEBOUNCE_MS = 200;
const DRAW_DEBOUNCE_MS = 90;
const IMAGE_DEBOUNCE_MS = 400;

export class PoolingPage {
  #root;
  #el = null;
  #matrix = LECTURE_MATRIX.map((row) => [...row]);
  #matrixResult = null;
  #activeOutput = null;
  #pad = null;
  #imagePooled = false;
  #matrixTask = new Debounced();
  #drawTask = new Debounced();
  #imageTask = new Debounced();

  constructor(root) {
    this.#root = root;
  }

  /** @param {string} path the hash after "#/pooling" (unused: the playground has one page). */
  show(path) {
    void path;
    this.#root.hidden = false;
    if (!this.#el) {
      this.#build();
      this.#renderInputGrid();
      this.#updateMatrix(0);
      this.#updateDrawing(0);
    }
    this.#loadImages();
  }

  hide() {
    this.#root.hidden = true;
    this.#matrixTask.cancel();
    this.#drawTask.cancel();
    this.#imageTask.cancel();
  }

  // ---------- markup ----------

  #build() {
    const el = buildPoolingPage(this.#root);
    this.#el = el;

    el.rows.value = String(this.#matrix.length);
    el.cols.value = String(this.#matrix[0].length);
    this.#pad = new DrawPad(el.drawCanvas, DRAW_SIDE, () => this.#updateDrawing(DRAW_DEBOUNCE_MS));
    this.#paintDrawResult(null);
    this.#wire();
  }

  #wire() {
    const el = this.#el;
    const settingsChanged = () => {
      this.#updateMatrix(MATRIX_DEBOUNCE_MS);
      this.#updateDrawing(MATRIX_DEBOUNCE_MS);
      if (this.#imagePooled) this.#scheduleImage();
    };
    for (const input of [el.modeMax, el.modeAverage, el.window, el.stride]) input.addEventListener('input', settingsChanged);
    for (const input of [el.modeMax, el.modeAverage]) input.addEventListener('change', settingsChanged);

    el.lectureMatrix.addEventListener('click', () => {
      this.#matrix = LECTURE_MATRIX.map((row) => [...row]);
      el.rows.value = '4';
      el.cols.value = '4';
      el.window.value = '2';
      el.stride.value = '2';
      this.#renderInputGrid();
      settingsChanged();
    });
    el.lectureImage.addEventListener('click', () => {
      el.window.value = '4';
      el.stride.value = '4';
      el.resize.checked = true;
      el.resizeSize.value = '200';
      el.sourceLibrary.checked = true;
      this.#syncImageSource();
      this.#updateMatrix(MATRIX_DEBOUNCE_MS);
      this.#updateDrawing(MATRIX_DEBOUNCE_MS);
      this.#poolImage();
    });

    const resize = () => {
      this.#matrix = resizeMatrix(this.#matrix, Number(el.rows.value), Number(el.cols.value));
      this.#renderInputGrid();
      this.#updateMatrix(0);
    };
    el.rows.addEventListener('change', resize);
    el.cols.addEventListener('change', resize);
    el.random.addEventListener('click', () => {
      this.#matrix = this.#matrix.map((row) => row.map(() => Math.floor(Math.random() * 10)));
      this.#renderInputGrid();
      this.#updateMatrix(0);
    });
    el.zeros.addEventListener('click', () => {
      this.#matrix = this.#matrix.map((row) => row.map(() => 0));
      this.#renderInputGrid();
      this.#updateMatrix(0);
    });

    el.inputGrid.addEventListener('input', (event) => {
      const cell = event.target.closest('input');
      if (!cell) return;
      this.#matrix[Number(cell.dataset.row)][Number(cell.dataset.col)] = cell.value;
      this.#updateMatrix(MATRIX_DEBOUNCE_MS);
    });
    el.inputGrid.addEventListener('keydown', (event) => moveInGrid(event, el.inputGrid, 'input'));
    el.inputGrid.addEventListener('focusin', (event) => event.target.select?.());

    el.resultGrid.addEventListener('mouseover', (event) => this.#highlightFrom(event.target));
    el.resultGrid.addEventListener('focusin', (event) => this.#highlightFrom(event.target));
    el.resultGrid.addEventListener('mouseleave', () => {
      if (!el.resultGrid.contains(document.activeElement)) this.#highlight(null);
    });
    el.resultGrid.addEventListener('focusout', (event) => {
      if (!el.resultGrid.contains(event.relatedTarget)) this.#highlight(null);
    });
    el.resultGrid.addEventListener('keydown', (event) => moveInGrid(event, el.resultGrid, 'td'));

    el.drawClear.addEventListener('click', () => this.#pad.clear());
    el.drawEraser.addEventListener('click', () => {
      this.#pad.eraser = !this.#pad.eraser;
      el.drawEraser.setAttribute('aria-pressed', String(this.#pad.eraser));
    });

    el.imageForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#poolImage();
    });
    for (const input of [el.sourceLibrary, el.sourceFile]) input.addEventListener('change', () => {
      this.#syncImageSource();
      if (this.#imagePooled) this.#scheduleImage();
    });
    el.imageSelect.addEventListener('change', () => { if (this.#imagePooled) this.#scheduleImage(); });
    el.imageFile.addEventListener('change', () => {
      el.sourceFile.checked = true;
      this.#syncImageSource();
      if (el.imageFile.files?.length) this.#poolImage();
    });
    el.resize.addEventListener('change', () => {
      el.resizeSize.disabled = !el.resize.checked;
      if (this.#imagePooled) this.#scheduleImage();
    });
    el.resizeSize.addEventListener('input', () => { if (this.#imagePooled) this.#scheduleImage(); });
    this.#syncImageSource();
  }

  // ---------- settings ----------

  /** The shared settings, or null (with the fields marked) when the window or stride is not a whole number in range. */
  #settings() {
    const el = this.#el;
    const check = (input, errorBox, max, name) => {
      const text = input.value.trim();
      const value = Number(text);
      const ok = text !== '' && Number.isInteger(value) && value >= 1 && value <= max;
      input.setAttribute('aria-invalid', String(!ok));
      errorBox.textContent = ok ? '' : `The ${name} must be a whole number from 1 to ${max}.`;
      if (ok) input.removeAttribute('aria-invalid');
      return ok ? value : null;
    };
    const window = check(el.window, el.windowError, MAX_WINDOW, 'window');
    const stride = check(el.stride, el.strideError, MAX_STRIDE, 'stride');
    if (window === null || stride === null) return null;
    return { mode: el.modeAverage.checked ? 'average' : 'max', window, stride };
  }

  // ---------- matrix ----------

  #renderInputGrid() {
    const el = this.#el;
    const rows = this.#matrix.length;
    const cols = this.#matrix[0].length;
    const body = h('tbody', {}, this.#matrix.map((row, r) => h('tr', {}, row.map((value, c) => h('td', { class: 'pool-cell', dataset: { row: String(r), col: String(c) } },
      h('input', {
        type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', class: 'pool-cell__input', value: String(value),
        'aria-label': `Input row ${r + 1}, column ${c + 1}`, dataset: { row: String(r), col: String(c), testid: 'pool-input-cell' },
      }))))));
    el.inputGrid.replaceChildren(h('caption', { class: 'visually-hidden' }, `Input matrix, ${rows} by ${cols}`), body);
    el.inputGrid.dataset.rows = String(rows);
    el.inputGrid.dataset.cols = String(cols);
    this.#activeOutput = null;
  }

  /** Parses the typed cells; marks the bad ones. Returns the numbers or a message. */
  #readMatrix() {
    const problems = [];
    const values = this.#matrix.map((row, r) => row.map((raw, c) => {
      const text = String(raw).trim().replace(',', '.');
      const value = text === '' ? NaN : Number(text);
      const input = this.#el.inputGrid.querySelector(`input[data-row="${r}"][data-col="${c}"]`);
      const ok = Number.isFinite(value);
      if (ok) input?.removeAttribute('aria-invalid');
      else {
        input?.setAttribute('aria-invalid', 'true');
        problems.push(`row ${r + 1}, column ${c + 1} (${text === '' ? 'empty' : `“${text}”`})`);
      }
      return value;
    }));
    if (problems.length > 0) {
      return { error: `Type a number in ${problems.length === 1 ? 'the cell at ' : 'the cells at '}${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}.` };
    }
    return { values };
  }

  #updateMatrix(delay) {
    this.#matrixTask.schedule(delay, (signal, current) => this.#poolMatrix(signal, current));
  }

  async #poolMatrix(signal, current) {
    const el = this.#el;
    const settings = this.#settings();
    const parsed = this.#readMatrix();
    const rows = this.#matrix.length;
    const cols = this.#matrix[0].length;
    const fail = (message) => {
      el.matrixError.replaceChildren(message);
      el.matrixError.hidden = false;
      this.#showMatrixResult(null);
    };
    if (!settings) return fail('Fix the window and stride above to see the result.');
    if (parsed.error) return fail(parsed.error);
    if (settings.window > Math.min(rows, cols)) {
      return fail(`A ${settings.window}×${settings.window} window does not fit in the ${rows}×${cols} input: use a window of at most ${Math.min(rows, cols)}, or a larger matrix.`);
    }
    try {
      const result = await poolingApi.poolMatrix({ values: parsed.values, ...settings }, signal);
      if (!current()) return;
      el.matrixError.hidden = true;
      this.#showMatrixResult(result);
    } catch (error) {
      if (isAbort(error) || !current()) return;
      fail(problemText(error));
    }
  }

  #showMatrixResult(result) {
    const el = this.#el;
    this.#matrixResult = result;
    this.#highlight(null);
    if (!result) {
      el.resultGrid.replaceChildren();
      el.resultGrid.dataset.rows = '0';
      el.resultGrid.dataset.cols = '0';
      el.matrixShape.textContent = '';
      return;
    }
    const { inputRows, inputCols, outputRows, outputCols, window, stride, mode } = result;
    const body = h('tbody', {}, result.values.map((row, r) => h('tr', {}, row.map((value, c) => h('td', {
      class: 'pool-cell pool-cell--result', tabindex: r === 0 && c === 0 ? '0' : '-1',
      'aria-label': `Output row ${r + 1}, column ${c + 1}: ${formatValue(value)}`,
      dataset: { row: String(r), col: String(c), testid: 'pool-result-cell' },
    }, formatValue(value))))));
    el.resultGrid.replaceChildren(
      h('caption', { class: 'visually-hidden' }, `${modeName(mode)} pooling result, ${outputRows} by ${outputCols}`), body);
    el.resultGrid.dataset.rows = String(outputRows);
    el.resultGrid.dataset.cols = String(outputCols);
    el.resultGrid.dataset.mode = mode;
    const usedRows = (outputRows - 1) * stride + window;
    const usedCols = (outputCols - 1) * stride + window;
    const unused = [];
    if (usedRows < inputRows) unused.push(`the last ${inputRows - usedRows === 1 ? 'row' : `${inputRows - usedRows} rows`}`);
    if (usedCols < inputCols) unused.push(`the last ${inputCols - usedCols === 1 ? 'column' : `${inputCols - usedCols} columns`}`);
    el.matrixShape.textContent =
      `${modeName(mode)} pooling, ${window}×${window} window, stride ${stride}: ${inputRows}×${inputCols} → ${outputRows}×${outputCols} ` +
      `(⌊(${inputRows} − ${window}) / ${stride}⌋ + 1 = ${outputRows} rows, ⌊(${inputCols} − ${window}) / ${stride}⌋ + 1 = ${outputCols} columns).` +
      (unused.length ? ` No window reaches ${unused.join(' or ')}: there is no padding.` : '') +
      (stride > window ? ' The stride is larger than the window, so some inputs are skipped.' : '');
    el.explain.textContent = 'Point at (or focus) an output cell to see the input window it pools.';
  }

  #highlightFrom(target) {
    const cell = target?.closest?.('td[data-testid="pool-result-cell"]');
    if (cell) this.#highlight({ row: Number(cell.dataset.row), col: Number(cell.dataset.col) });
  }

  /** Marks the output cell, the input cells of its window and, for max pooling, the input that won. */
  #highlight(output) {
    const el = this.#el;
    for (const cell of this.#root.querySelectorAll('.is-window, .is-argmax, .is-active')) {
      cell.classList.remove('is-window', 'is-argmax', 'is-active');
    }
    this.#activeOutput = output;
    const result = this.#matrixResult;
    if (!output || !result) return;
    const { window, stride, mode } = result;
    const step = result.steps?.find((s) => s.row === output.row && s.col === output.col)
      ?? { row: output.row, col: output.col, top: output.row * stride, left: output.col * stride, argmaxRow: null, argmaxCol: null };
    el.resultGrid.querySelector(`td[data-row="${output.row}"][data-col="${output.col}"]`)?.classList.add('is-active');
    for (let r = step.top; r < step.top + window; r++) {
      for (let c = step.left; c < step.left + window; c++) {
        el.inputGrid.querySelector(`td[data-row="${r}"][data-col="${c}"]`)?.classList.add('is-window');
      }
    }
    if (step.argmaxRow !== null && step.argmaxRow !== undefined) {
      el.inputGrid.querySelector(`td[data-row="${step.argmaxRow}"][data-col="${step.argmaxCol}"]`)?.classList.add('is-argmax');
    }
    const value = formatValue(result.values[output.row][output.col]);
    const rows = window === 1 ? `row ${step.top + 1}` : `rows ${step.top + 1}–${step.top + window}`;
    const cols = window === 1 ? `column ${step.left + 1}` : `columns ${step.left + 1}–${step.left + window}`;
    el.explain.textContent = mode === 'average'
      ? `Output (${output.row + 1}, ${output.col + 1}) = average of input ${rows}, ${cols} = ${value}.`
      : `Output (${output.row + 1}, ${output.col + 1}) = max of input ${rows}, ${cols} = ${value}` +
        (step.argmaxRow !== null && step.argmaxRow !== undefined ? `, found at row ${step.argmaxRow + 1}, column ${step.argmaxCol + 1}.` : '.');
  }

  // ---------- drawing ----------

  #updateDrawing(delay) {
    if (!this.#pad) return;
    this.#drawTask.schedule(delay, (signal, current) => this.#poolDrawing(signal, current));
  }

  async #poolDrawing(signal, current) {
    const el = this.#el;
    const settings = this.#settings();
    if (!settings) return;
    const side = this.#pad.size;
    if (settings.window > side) {
      el.drawError.replaceChildren(`A ${settings.window}×${settings.window} window does not fit in the ${side}×${side} drawing.`);
      el.drawError.hidden = false;
      return;
    }
    const expected = outputSide(side, settings.window, settings.stride);
    if (this.#pad.isEmpty) {
      // Nothing drawn: the result is all zeros; no need to ask the server.
      el.drawError.hidden = true;
      this.#paintDrawResult({ outputRows: expected, outputCols: expected, values: null, mode: settings.mode, window: settings.window, stride: settings.stride });
      return;
    }
    try {
      const result = await poolingApi.poolMatrix({ values: this.#pad.rows(), ...settings }, signal);
      if (!current()) return;
      el.drawError.hidden = true;
      this.#paintDrawResult(result);
    } catch (error) {
      if (isAbort(error) || !current()) return;
      el.drawError.replaceChildren(problemText(error));
      el.drawError.hidden = false;
    }
  }

  #paintDrawResult(result) {
    const el = this.#el;
    if (!result) {
      paintGrid(el.drawResult, 1, 1, () => 0, { lines: false });
      el.drawOutputSize.textContent = 'Pooled: –';
      return;
    }
    const { outputRows, outputCols, values } = result;
    paintGrid(el.drawResult, outputRows, outputCols, (r, c) => (values ? values[r][c] : 0));
    el.drawResult.dataset.ink = values ? formatValue(values.flat().reduce((sum, v) => sum + v, 0)) : '0';
    el.drawResult.dataset.rows = String(outputRows);
    el.drawResult.dataset.cols = String(outputCols);
    el.drawOutputSize.textContent = `${modeName(result.mode)} pooled (${result.window}×${result.window}, stride ${result.stride}): ${outputRows}×${outputCols}`;
  }

  // ---------- image ----------

  async #loadImages() {
    const el = this.#el;
    let images;
    try {
      images = await api.listImages();
    } catch (error) {
      el.imageError.replaceChildren(`The image list could not be loaded: ${problemText(error)}`);
      el.imageError.hidden = false;
      return;
    }
    const current = el.imageSelect.value;
    el.imageSelect.replaceChildren(...images.map((image) => h('option', { value: image.id },
      `${image.name} (${image.width}×${image.height}${image.source === 'builtin' ? ', built in' : ''})`)));
    if ([...el.imageSelect.options].some((o) => o.value === current)) el.imageSelect.value = current;
    else if (images.some((i) => i.id === 'builtin:rocket')) el.imageSelect.value = 'builtin:rocket';
  }

  #syncImageSource() {
    const el = this.#el;
    const file = el.sourceFile.checked;
    el.imageSelect.disabled = file;
    el.resizeSize.disabled = !el.resize.checked;
    el.imageFile.closest('.field').classList.toggle('pool-muted', !file);
    el.imageSelect.closest('.field').classList.toggle('pool-muted', file);
  }

  #scheduleImage() {
    this.#imageTask.schedule(IMAGE_DEBOUNCE_MS, (signal, current) => this.#requestImage(signal, current));
  }

  #poolImage() {
    this.#imageTask.run((signal, current) => this.#requestImage(signal, current));
  }

  async #requestImage(signal, current) {
    const el = this.#el;
    el.imageError.hidden = true;
    const settings = this.#settings();
    if (!settings) {
      this.#imageFailed('Fix the window and stride above first.');
      return;
    }
    let resize = null;
    if (el.resize.checked) {
      resize = Number(el.resizeSize.value);
      if (!Number.isInteger(resize) || resize < 4 || resize > 1024) {
        el.resizeSize.setAttribute('aria-invalid', 'true');
        this.#imageFailed('The resize must be a whole number of pixels from 4 to 1024.');
        return;
      }
      if (settings.window > resize) {
        el.resizeSize.setAttribute('aria-invalid', 'true');
        this.#imageFailed(`A ${settings.window}×${settings.window} window does not fit in a ${resize}×${resize} image.`);
        return;
      }
    }
    el.resizeSize.removeAttribute('aria-invalid');
    let body;
    let source;
    if (el.sourceFile.checked) {
      const file = el.imageFile.files?.[0];
      if (!file) {
        this.#imageFailed('Choose a PNG or JPEG file first.');
        return;
      }
      body = new FormData();
      body.append('file', file);
      body.append('mode', settings.mode);
      body.append('window', String(settings.window));
      body.append('stride', String(settings.stride));
      if (resize !== null) body.append('resize', String(resize));
      source = `“${file.name}”`;
    } else {
      if (!el.imageSelect.value) {
        this.#imageFailed('There is no image to choose from yet.');
        return;
      }
      body = { image: el.imageSelect.value, ...settings, ...(resize === null ? {} : { resize }) };
      source = el.imageSelect.selectedOptions[0]?.textContent ?? el.imageSelect.value;
    }
    el.imageSubmit.disabled = true;
    el.imageStatus.textContent = 'Pooling…';
    try {
      const result = await poolingApi.poolImage(body, signal);
      if (!current()) return;
      this.#imagePooled = true;
      await Promise.all([
        loadImage(el.imageInput, `data:image/png;base64,${result.inputPng}`),
        loadImage(el.imageOutput, `data:image/png;base64,${result.outputPng}`),
      ]);
      if (!current()) return;
      el.imageInput.hidden = false;
      el.imageOutput.hidden = false;
      el.imageEmpty.hidden = true;
      const input = `${result.inputWidth}×${result.inputHeight}`;
      const output = `${result.outputWidth}×${result.outputHeight}`;
      el.imageInputSize.textContent = `Input (grayscale${result.resize ? ', resized' : ''}): ${input}`;
      el.imageOutputSize.textContent = `${modeName(result.mode)} pooled: ${output}`;
      el.imageSummary.textContent = `${input} → ${output}: ${result.mode} pooling of ${source}, ${result.window}×${result.window} window, stride ${result.stride}.`;
      el.imageSummary.dataset.input = input;
      el.imageSummary.dataset.output = output;
      el.imageStatus.textContent = '';
    } catch (error) {
      if (isAbort(error) || !current()) return;
      this.#imageFailed(problemText(error));
    } finally {
      el.imageSubmit.disabled = false;
    }
  }

  #imageFailed(message) {
    const el = this.#el;
    el.imageStatus.textContent = '';
    el.imageError.replaceChildren(message);
    el.imageError.hidden = false;
  }
}
