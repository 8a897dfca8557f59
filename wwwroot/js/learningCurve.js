// Learning curve: reconstruction error against (fractional) epoch, drawn with uPlot.
// Two series share one x axis: one point per completed epoch (x = epoch) and, while a job runs,
// the live per-minibatch error (x = epoch - 1 + batch / batchesPerEpoch).

import uPlot from '../lib/uplot-1.6.32/uPlot.esm.js';
import { formatError } from './format.js';

const MAX_BATCH_POINTS = 4000;

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export class LearningCurve {
  #container;
  #plot = null;
  #epochs = new Map(); // epoch -> reconstruction error
  #batches = []; // [x, error], x increasing
  #frame = 0;
  #resizeObserver;

  constructor(container) {
    this.#container = container;
    this.#resizeObserver = new ResizeObserver(() => this.#resize());
    this.#resizeObserver.observe(container);
  }

  get epochPointCount() { return this.#epochs.size; }

  reset() {
    this.#epochs.clear();
    this.#batches = [];
    this.#plot?.destroy();
    this.#plot = null;
    this.#update();
  }

  /** history: [{ epoch, reconstructionError }] — replaces the per-epoch series. */
  setHistory(history) {
    this.#epochs.clear();
    for (const metrics of history ?? []) this.#epochs.set(metrics.epoch, metrics.reconstructionError);
    this.#update();
  }

  addEpoch(epoch, reconstructionError) {
    this.#epochs.set(epoch, reconstructionError);
    this.#update();
  }

  addBatch(progress) {
    const { epoch, batch, batchesPerEpoch, reconstructionError } = progress;
    if (!Number.isFinite(reconstructionError) || !(batchesPerEpoch > 0)) return;
    const x = epoch - 1 + batch / batchesPerEpoch;
    const last = this.#batches.at(-1);
    if (last && x <= last[0]) {
      // A resumed or restarted run went back in time: keep the curve monotone in x.
      this.#batches = this.#batches.filter(([bx]) => bx < x);
    }
    this.#batches.push([x, reconstructionError]);
    if (this.#batches.length > MAX_BATCH_POINTS) {
      // Thin out the older half so a long run keeps a bounded, evenly spread curve.
      const half = this.#batches.length >> 1;
      this.#batches = this.#batches.slice(0, half).filter((_, i) => i % 2 === 0).concat(this.#batches.slice(half));
    }
    this.#update();
  }

  #data() {
    const rows = new Map();
    for (const [x, error] of this.#batches) rows.set(x, [null, error]);
    for (const [epoch, error] of this.#epochs) {
      const row = rows.get(epoch);
      if (row) row[0] = error;
      else rows.set(epoch, [error, null]);
    }
    const xs = [...rows.keys()].sort((a, b) => a - b);
    return [xs, xs.map((x) => rows.get(x)[0]), xs.map((x) => rows.get(x)[1])];
  }

  #update() {
    // Attributes are set at once (tests and assistive tech read them); drawing waits for the next frame.
    const epochs = this.#epochs.size;
    this.#container.dataset.points = String(epochs);
    this.#container.dataset.batchPoints = String(this.#batches.length);
    const lastEpoch = epochs > 0 ? Math.max(...this.#epochs.keys()) : null;
    this.#container.setAttribute('aria-label', epochs > 0
      ? `Learning curve: ${epochs} epoch${epochs === 1 ? '' : 's'} completed, latest reconstruction error ${formatError(this.#epochs.get(lastEpoch))}`
      : this.#batches.length > 0 ? 'Learning curve: first epoch in progress' : 'Learning curve: no data yet');
    const empty = this.#container.querySelector('.chart__empty');
    if (empty) empty.hidden = epochs + this.#batches.length > 0;

    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  #draw() {
    if (this.#epochs.size + this.#batches.length === 0) return;
    const data = this.#data();
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    this.#plot = new uPlot(this.#options(), data, this.#container);
  }

  #size() {
    const width = Math.max(this.#container.clientWidth, 280);
    return { width, height: Math.round(Math.min(340, Math.max(220, width * 0.45))) };
  }

  #resize() {
    // The observer also fires when the plot itself changes the container's height; react to width only.
    if (!this.#plot || this.#container.clientWidth === 0) return;
    const size = this.#size();
    if (size.width !== this.#plot.width) this.#plot.setSize(size);
  }

  #options() {
    const text = cssVar('--muted', '#5a6578');
    const grid = cssVar('--chart-grid', 'rgba(0,0,0,0.08)');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      ...this.#size(),
      scales: {
        // From 0 to the end of the current epoch: the live minibatch curve keeps a readable width.
        x: { time: false, range: (_, min, max) => [0, Math.max(1, Math.ceil((max ?? 1) - 1e-9))] },
        // Squared error is never negative; starting at 0 keeps the drop honest.
        y: { range: (_, min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      axes: [
        { ...axis, label: 'epoch', values: (_, ticks) => ticks.map((t) => String(Number(t.toFixed(2)))) },
        { ...axis, label: 'reconstruction error', size: 64, values: (_, ticks) => ticks.map(formatError) },
      ],
      series: [
        { label: 'epoch', value: (_, v) => (v === null || v === undefined ? '–' : v.toFixed(2)) },
        {
          label: 'per epoch',
          stroke: cssVar('--chart-epoch', '#2457c5'),
          width: 2.5,
          spanGaps: true,
          points: { show: true, size: 8, fill: cssVar('--chart-epoch', '#2457c5') },
          value: (_, v) => formatError(v),
        },
        {
          label: 'per minibatch',
          stroke: cssVar('--chart-batch', '#e07a1f'),
          width: 1,
          alpha: 0.7,
          spanGaps: true,
          points: { show: false },
          value: (_, v) => formatError(v),
        },
      ],
    };
  }
}
