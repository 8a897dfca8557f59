// The job page's monitoring panel, fed by history[].report (RbmEpochReport): from the Snapshot for late
// joiners, from StatusChanged, and live from EpochCompleted.report.

import { cssVar, EpochChart, HeatStrip, HistogramChart } from './charts.js';
import { h } from './dom.js';
import { formatInteger } from './format.js';
import { trainingHints } from './trainingHints.js';

const HISTOGRAMS = ['weights', 'visibleBias', 'hiddenBias'];

export class Monitoring {
  #el;
  #errors;
  #pll;
  #freeEnergy;
  #heat;
  #histograms;

  constructor(root) {
    const $ = (selector) => root.querySelector(selector);
    this.#el = {
      dead: $('#dead-units'),
      saturated: $('#saturated-units'),
      heatEpoch: $('#heat-epoch'),
      histogramsEpoch: $('#histograms-epoch'),
      hints: h('ul', { class: 'hints', role: 'status', dataset: { testid: 'training-hints' }, hidden: true }),
    };
    $('.monitor-grid').before(this.#el.hints);
    this.#errors = new EpochChart($('#chart-errors'), {
      yLabel: 'reconstruction error',
      series: [
        { key: 'squaredError', label: 'squared error', color: cssVar('--chart-epoch', '#2457c5') },
        { key: 'crossEntropy', label: 'cross-entropy', color: cssVar('--chart-batch', '#e07a1f'), scale: 'ce', dash: [6, 4] },
      ],
    });
    this.#pll = new EpochChart($('#chart-pll'), {
      yLabel: 'pseudo-log-likelihood',
      series: [{ key: 'pseudoLogLikelihood', label: 'pseudo-log-likelihood', color: cssVar('--chart-epoch', '#2457c5') }],
    });
    this.#freeEnergy = new EpochChart($('#chart-free-energy'), {
      yLabel: 'mean free energy',
      series: [
        { key: 'freeEnergyTrain', label: 'training', color: cssVar('--chart-epoch', '#2457c5') },
        { key: 'freeEnergyHeldOut', label: 'held-out', color: cssVar('--chart-batch', '#e07a1f'), dash: [6, 4] },
      ],
    });
    this.#heat = new HeatStrip($('#heat-strip'));
    this.#histograms = Object.fromEntries(HISTOGRAMS.map((kind) => [kind, new HistogramChart($(`#hist-${kind}`), $(`#hist-${kind}-range`))]));
  }

  reset() {
    for (const chart of [this.#errors, this.#pll, this.#freeEnergy]) chart.reset();
    for (const histogram of Object.values(this.#histograms)) histogram.reset();
    this.#heat.set([]);
    this.#el.dead.textContent = '–';
    this.#el.saturated.textContent = '–';
    this.#el.heatEpoch.textContent = 'no epoch yet';
    this.#el.histogramsEpoch.textContent = '';
    this.#showHints([]);
  }

  /** history: JobDto.history — entries without a report (older jobs) are skipped. */
  setHistory(history) {
    const rows = (history ?? [])
      .filter((m) => m?.report)
      .map((m) => ({ epoch: m.epoch ?? m.report.epoch, report: m.report }))
      .sort((a, b) => a.epoch - b.epoch);
    for (const chart of [this.#errors, this.#pll, this.#freeEnergy]) chart.setReports(rows);
    this.#showHints(trainingHints(rows));
    const latest = rows.at(-1);
    if (!latest) return;
    const report = latest.report;
    this.#heat.set(report.hiddenMeanActivation ?? []);
    this.#el.dead.textContent = formatInteger(report.deadUnits);
    this.#el.saturated.textContent = formatInteger(report.saturatedUnits);
    this.#el.heatEpoch.textContent = `epoch ${latest.epoch}`;
    this.#el.histogramsEpoch.textContent = `— epoch ${latest.epoch}`;
    for (const kind of HISTOGRAMS) this.#histograms[kind].set(report[kind]);
  }

  #showHints(hints) {
    this.#el.hints.replaceChildren(...hints.map((hint) => h('li', { class: `hint-item hint-item--${hint.kind}`, dataset: { hint: hint.kind } }, hint.text)));
    this.#el.hints.hidden = hints.length === 0;
  }
}
