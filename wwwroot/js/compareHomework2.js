// Homework 2 in a comparison: from each run's patch-reconstruction image (original | binary | non-binary, side by
// side as the server renders it: a 1-pixel border and 4-pixel gaps) the difference image |binary − non-binary| and
// zoomed crops of the three at one shared position. Computed on canvases in the browser from the same PNG.

import { h } from './dom.js';

const BORDER = 1;
const GAP = 4;
const CROP_ZOOM = 4;

/** The three panels of a patch-reconstruction PNG as canvases of width × height. */
function panels(image, width, height) {
  return [0, 1, 2].map((i) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').drawImage(image, BORDER + i * (width + GAP), BORDER, width, height, 0, 0, width, height);
    return canvas;
  });
}

/** |binary − non-binary| per pixel, stretched so the largest difference is white; returns the canvas and that largest difference (0–255). */
function difference(binary, nonBinary) {
  const { width, height } = binary;
  const a = binary.getContext('2d').getImageData(0, 0, width, height).data;
  const b = nonBinary.getContext('2d').getImageData(0, 0, width, height).data;
  let largest = 0;
  for (let i = 0; i < a.length; i += 4) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  const canvas = h('canvas', { width, height, class: 'compare-canvas', dataset: { testid: 'compare-difference' } });
  const context = canvas.getContext('2d');
  const out = context.createImageData(width, height);
  const scale = largest > 0 ? 255 / largest : 0;
  for (let i = 0; i < a.length; i += 4) {
    const value = Math.round(Math.abs(a[i] - b[i]) * scale);
    out.data[i] = out.data[i + 1] = out.data[i + 2] = value;
    out.data[i + 3] = 255;
  }
  context.putImageData(out, 0, 0);
  return { canvas, largest };
}

function crop(source, x, y, side, label) {
  const canvas = h('canvas', { width: side * CROP_ZOOM, height: side * CROP_ZOOM, class: 'compare-canvas', dataset: { testid: 'compare-crop' } });
  const context = canvas.getContext('2d');
  context.imageSmoothingEnabled = false;
  context.drawImage(source, x, y, side, side, 0, 0, side * CROP_ZOOM, side * CROP_ZOOM);
  return h('figure', { class: 'compare-figure' }, canvas, h('figcaption', {}, label));
}

/**
 * One row per run with a homework-2 result: the difference image and the zoomed crops at the shared position
 * (center by default; a click on any run's difference image moves it for every run).
 */
export class Homework2Panel {
  #root;
  #rows = []; // { run, panels, width, height }
  #position = null;

  constructor(root) {
    this.#root = root;
  }

  /** runs: [{ name, imageUrl, width, height }] — loads each PNG and draws. */
  async show(runs) {
    const loaded = await Promise.all(runs.map(async (run) => {
      const image = new Image();
      image.src = run.imageUrl;
      try {
        await image.decode();
      } catch {
        return { run, error: 'Its patch-reconstruction image could not be loaded.' };
      }
      return { run, panels: panels(image, run.width, run.height), width: run.width, height: run.height };
    }));
    this.#rows = loaded;
    this.#render();
  }

  #render() {
    const usable = this.#rows.filter((row) => row.panels);
    const side = Math.max(4, Math.floor(Math.min(...usable.map((row) => Math.min(row.width, row.height))) / 4));
    const position = this.#position ?? { x: 0.5, y: 0.5 };
    this.#root.replaceChildren(...this.#rows.map((row) => {
      if (!row.panels) return h('p', { class: 'field__error' }, `${row.run.name}: ${row.error}`);
      const [original, binary, nonBinary] = row.panels;
      const { canvas, largest } = difference(binary, nonBinary);
      canvas.addEventListener('click', (event) => {
        const box = canvas.getBoundingClientRect();
        this.#position = { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height };
        this.#render();
      });
      const x = Math.min(row.width - side, Math.max(0, Math.round(position.x * row.width - side / 2)));
      const y = Math.min(row.height - side, Math.max(0, Math.round(position.y * row.height - side / 2)));
      return h('div', { class: 'compare-hw2-row', dataset: { testid: 'compare-hw2-row' } },
        h('h4', {}, row.run.name),
        h('figure', { class: 'compare-figure' }, canvas,
          h('figcaption', {}, `|binary − non-binary|, largest difference ${largest}/255 shown white — click to move the crops`)),
        crop(original, x, y, side, `original, ${side}×${side} at (${x}, ${y}), ×${CROP_ZOOM}`),
        crop(binary, x, y, side, 'binary features'),
        crop(nonBinary, x, y, side, 'non-binary features'));
    }));
  }
}
