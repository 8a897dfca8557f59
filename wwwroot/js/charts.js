// Small chart widgets for the monitoring panel: per-epoch line charts and histograms (uPlot), and the
// hidden-unit heat strip (a plain canvas). Each widget keeps data-* attributes current at once (tests and
// assistive tech read them) and draws on the next animation frame.

import uPlot from '../lib/uplot-1.6.32/uPlot.esm.js';
import { formatError } from './format.js';

export function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function finite(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function axisStyle() {
  const text = cssVar('--muted', '#5a6578');
  const grid = cssVar('--chart-grid', 'rgba(0,0,0,0.08)');
  return { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
}

/** Redraws at most once per frame and follows the container's width. */
class PlotHost {
  #container;
  #plot = null;
  #frame = 0;
  #height;

  constructor(container, height) {
    this.#container = container;
    this.#height = height;
    new ResizeObserver(() => {
      if (!this.#plot || this.#container.clientWidth === 0) return;
      const width = this.#width();
      if (width !== this.#plot.width) this.#plot.setSize({ width, height: this.#height });
    }).observe(container);
  }

  #width() {
    return Math.max(this.#container.clientWidth, 200);
  }

  destroy() {
    this.#plot?.destroy();
    this.#plot = null;
  }

  /** data: uPlot's column arrays, or null for "nothing to draw"; options() is called for a new plot only. */
  schedule(data, options) {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      if (!data) {
        this.destroy();
        return;
      }
      if (this.#plot) this.#plot.setData(data);
      else this.#plot = new uPlot({ ...options(), width: this.#width(), height: this.#height }, data, this.#container);
    });
  }
}

/**
 * A per-epoch line chart with one or more series.
 * series: [{ key, label, color, scale? }]; scales other than 'y' get their own axis on the right.
 */
export class EpochChart {
  #container;
  #series;
  #yLabel;
  #host;
  #log;
  #rows = new Map(); // epoch -> { key: value }

  constructor(container, { series, yLabel, height = 220, log = false }) {
    this.#container = container;
    this.#series = series;
    this.#yLabel = yLabel;
    this.#log = log;
    this.#host = new PlotHost(container, height);
  }

  /** Logarithmic (base 10) or linear y axes; redraws. */
  setLog(log) {
    this.#log = log;
    this.#container.dataset.scale = log ? 'log' : 'linear';
    this.#host.destroy();
    this.#update();
  }

  reset() {
    this.#rows.clear();
    this.#host.destroy();
    this.#update();
  }

  /** rows: [{ epoch, report }] */
  setReports(rows) {
    this.#rows.clear();
    for (const { epoch, report } of rows) this.#rows.set(epoch, report);
    this.#update();
  }

  #update() {
    const epochs = [...this.#rows.keys()].sort((a, b) => a - b);
    const columns = this.#series.map((s) => epochs.map((e) => finite(this.#rows.get(e)?.[s.key])));
    const points = epochs.filter((_, i) => columns.some((column) => column[i] !== null)).length;
    this.#container.dataset.points = String(points);
    const last = epochs.at(-1);
    this.#container.setAttribute('aria-label', points === 0
      ? `${this.#yLabel}: no data yet`
      : `${this.#yLabel} after epoch ${last}: ${this.#series.map((s, i) => `${s.label} ${formatError(columns[i].at(-1))}`).join(', ')}`);
    const empty = this.#container.querySelector('.chart__empty');
    if (empty) {
      empty.hidden = points > 0;
      if (epochs.length > 0 && points === 0) empty.textContent = 'Not defined for this model.';
    }
    this.#host.schedule(points > 0 ? [epochs, ...columns] : null, () => this.#options());
  }

  #options() {
    const axis = axisStyle();
    const scales = { x: { time: false, range: (_, min, max) => [Math.min(1, min ?? 1), Math.max(2, max ?? 2)] } };
    const axes = [{ ...axis, label: 'epoch', values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }];
    for (const scale of [...new Set(this.#series.map((s) => s.scale ?? 'y'))]) {
      scales[scale] = { auto: true, distr: this.#log ? 3 : 1 };
      const named = this.#series.filter((s) => (s.scale ?? 'y') === scale);
      axes.push({
        ...axis,
        scale,
        side: scale === 'y' ? 3 : 1,
        grid: scale === 'y' ? axis.grid : { show: false },
        label: named.length === 1 && this.#series.length > 1 ? named[0].label : this.#yLabel,
        size: 64,
        values: (_, ticks) => ticks.map(formatError),
      });
    }
    return {
      scales,
      axes,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      series: [
        { label: 'epoch' },
        ...this.#series.map((s) => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: s.color,
          width: 2,
          dash: s.dash,
          spanGaps: true,
          points: { show: true, size: 7, fill: s.color },
          value: (_, v) => formatError(v),
        })),
      ],
    };
  }
}

/** A histogram {min, max, counts[]} drawn as bars. */
export class HistogramChart {
  #container;
  #host;
  #range;

  constructor(container, rangeLabel) {
    this.#container = container;
    this.#range = rangeLabel;
    this.#host = new PlotHost(container, 150);
  }

  reset() {
    this.#host.destroy();
    this.set(null);
  }

  set(histogram) {
    const counts = Array.isArray(histogram?.counts) ? histogram.counts : [];
    const min = finite(histogram?.min);
    const max = finite(histogram?.max);
    const ok = counts.length > 0 && min !== null && max !== null;
    this.#container.dataset.bins = String(ok ? counts.length : 0);
    this.#container.setAttribute('aria-label', ok
      ? `Histogram of ${counts.reduce((a, b) => a + b, 0)} values from ${formatError(min)} to ${formatError(max)}`
      : 'Histogram: no data yet');
    if (this.#range) this.#range.textContent = ok ? `[${formatError(min)}, ${formatError(max)}]` : '';
    const empty = this.#container.querySelector('.chart__empty');
    if (empty) empty.hidden = ok;
    if (!ok) {
      this.#host.schedule(null, () => ({}));
      return;
    }
    const width = (max - min) / counts.length || 1;
    const centers = counts.map((_, i) => min + (i + 0.5) * width);
    this.#host.schedule([centers, counts], () => this.#options());
  }

  #options() {
    const axis = axisStyle();
    const color = cssVar('--chart-epoch', '#2457c5');
    return {
      scales: { x: { time: false }, y: { range: (_, lo, hi) => [0, Math.max(1, hi * 1.05)] } },
      axes: [
        { ...axis, values: (_, ticks) => ticks.map(formatError), size: 30 },
        { ...axis, size: 44, values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { show: false },
      series: [
        {},
        { label: 'count', fill: color, stroke: color, width: 0, paths: uPlot.paths.bars({ size: [0.92, Infinity], gap: 1 }), points: { show: false } },
      ],
    };
  }
}

/** Viridis-like ramp: 0 → dark purple, 0.5 → teal, 1 → yellow. */
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export function heatColour(value) {
  const t = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const f = t - i;
  const [a, b] = [RAMP[i], RAMP[i + 1]];
  return `rgb(${a.map((c, k) => Math.round(c + (b[k] - c) * f)).join(' ')})`;
}

/** One cell per hidden unit, coloured by its mean activation; dead and saturated units are marked below. */
export class HeatStrip {
  #canvas;
  #values = [];

  constructor(canvas) {
    this.#canvas = canvas;
    new ResizeObserver(() => this.#draw()).observe(canvas);
    canvas.addEventListener('mousemove', (event) => {
      const n = this.#values.length;
      if (n === 0) return;
      const unit = Math.min(n - 1, Math.floor((event.offsetX / canvas.clientWidth) * n));
      canvas.title = `hidden unit ${unit}: mean activation ${this.#values[unit].toFixed(3)}`;
    });
  }

  set(values) {
    this.#values = Array.isArray(values) ? values.map((v) => (Number.isFinite(v) ? v : 0)) : [];
    const n = this.#values.length;
    this.#canvas.dataset.units = String(n);
    const mean = n > 0 ? this.#values.reduce((a, b) => a + b, 0) / n : 0;
    this.#canvas.setAttribute('aria-label', n > 0
      ? `Mean activations of ${n} hidden units, average ${mean.toFixed(3)}`
      : 'Hidden-unit mean activations: no data yet');
    this.#draw();
  }

  #draw() {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, width, height);
    const n = this.#values.length;
    if (n === 0) return;
    const cell = width / n;
    const markHeight = Math.max(3, Math.round(height * 0.15));
    for (let j = 0; j < n; j++) {
      const v = this.#values[j];
      const x0 = Math.floor(j * cell);
      const x1 = Math.max(x0 + 1, Math.floor((j + 1) * cell));
      context.fillStyle = heatColour(v);
      context.fillRect(x0, 0, x1 - x0, height - markHeight);
      if (v < 0.01 || v > 0.99) {
        context.fillStyle = v < 0.01 ? '#b42318' : '#e07a1f';
        context.fillRect(x0, height - markHeight, x1 - x0, markHeight);
      }
      if (cell >= 6) {
        context.fillStyle = 'rgb(255 255 255 / 60%)';
        context.fillRect(x1 - 1, 0, 1, height - markHeight);
      }
    }
  }
}
