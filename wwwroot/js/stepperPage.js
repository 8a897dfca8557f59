// The update rule step by step (#/stepper, issue 15): one CD-1 update of a tiny RBM and one convolution, every
// number computed by the server with the trainer's own code (POST /api/stepper/rbm, /api/stepper/convolution).
// Pooling steps live in the pooling playground, linked from here.

import { h } from './dom.js';
import { problemText } from './http.js';
import { stepperApi } from './stepperApi.js';

const LECTURE_MATRIX = [[1, 2, 0, 3], [4, 3, 6, 5], [3, 4, 1, 2], [2, 7, 2, 0]];
const EDGE_KERNEL = [[1, 0], [0, -1]];
const DEFAULT_SAMPLE = [1, 0, 1, 1, 0, 0];
const MAX_VISIBLE = 16;

/** The CD-1 update in the lecture's order: a title, the formula, and what to show from the answer. */
const STEPS = [
  { title: 'Start', formula: 'W ~ N(0, s²) from the seed, b = 0, c = 0', show: (s) => [matrix('W', s.weights), vector('b', s.visibleBias), vector('c', s.hiddenBias), vector('x1', s.x1)] },
  { title: 'Q(h1=1|x1)', formula: 'Q(h1=1|x1) = sigm(c + W x1)', show: (s) => [vector('Q(h1=1|x1)', s.hiddenProbabilities1)] },
  { title: 'Sample h1', formula: 'h1_j = 1 if u_j < Q(h1_j=1|x1)', show: (s) => [vector('u', s.hiddenUniforms), vector('Q(h1=1|x1)', s.hiddenProbabilities1), vector('h1', s.h1)] },
  { title: 'P(x2=1|h1)', formula: "P(x2=1|h1) = sigm(b + W' h1)", show: (s) => [vector('P(x2=1|h1)', s.visibleProbabilities2)] },
  { title: 'Sample x2', formula: 'x2_i = 1 if u_i < P(x2_i=1|h1)', show: (s) => [vector('u', s.visibleUniforms), vector('P(x2=1|h1)', s.visibleProbabilities2), vector('x2', s.x2)] },
  { title: 'Q(h2=1|x2)', formula: 'Q(h2=1|x2) = sigm(c + W x2)', show: (s) => [vector('Q(h2=1|x2)', s.hiddenProbabilities2)] },
  { title: 'ΔW', formula: "ΔW = ε(h1 x1' − Q(h2=1|x2) x2')", show: (s) => [matrix('ΔW', s.weightDelta)] },
  { title: 'Δb, Δc', formula: 'Δb = ε(x1 − x2), Δc = ε(h1 − Q(h2=1|x2))', show: (s) => [vector('Δb', s.visibleBiasDelta), vector('Δc', s.hiddenBiasDelta)] },
  {
    title: 'After the update',
    formula: 'W ← W + ΔW, b ← b + Δb, c ← c + Δc — as the trainer computes them',
    show: (s) => [matrix('W', s.weightsAfter), vector('b', s.visibleBiasAfter), vector('c', s.hiddenBiasAfter),
      h('p', { class: 'muted small', dataset: { testid: 'stepper-agreement' } },
        `Reconstruction error Σ(x1 − P(x2=1|h1))² = ${fmt(s.reconstructionError)}; W + ΔW differs from the trainer's W by at most ${s.largestDisagreement.toExponential(1)}.`)],
  },
];

const fmt = (value) => (Number.isInteger(value) ? String(value) : Number(value).toFixed(4));

function vector(name, values) {
  return h('table', { class: 'stepper-table', dataset: { testid: `stepper-${name}` } },
    h('caption', {}, name),
    h('tbody', {}, h('tr', {}, values.map((v) => h('td', {}, fmt(v))))));
}

function matrix(name, rows) {
  return h('table', { class: 'stepper-table', dataset: { testid: `stepper-${name}` } },
    h('caption', {}, `${name} (hidden × visible)`),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((v) => h('td', {}, fmt(v)))))));
}

/** "1 2 0\n4 3 6" → [[1,2,0],[4,3,6]]; NaN entries are left for the server to name. */
const parseMatrix = (text) => text.trim().split(/\n+/).map((line) => line.trim().split(/[\s,;]+/).map(Number));
const printMatrix = (rows) => rows.map((row) => row.join(' ')).join('\n');

export class StepperPage {
  #root;
  #el = null;
  #sample = [...DEFAULT_SAMPLE];
  #step = null;
  #index = 0;
  #convolution = null;

  constructor(root) {
    this.#root = root;
  }

  show() {
    this.#root.hidden = false;
    if (!this.#el) {
      this.#build();
      void this.#runRbm();
      void this.#runConvolution();
    }
  }

  hide() {
    this.#root.hidden = true;
  }

  #build() {
    const el = {};
    const number = (id, value, min, max, step) => h('input', { id, name: id, type: 'number', min, max, step, value: String(value), dataset: { testid: id } });
    el.visibleCount = number('stepper-visible-count', DEFAULT_SAMPLE.length, 1, MAX_VISIBLE, 1);
    el.hidden = number('stepper-hidden', 3, 1, 16, 1);
    el.rate = number('stepper-rate', 0.1, 0.001, 10, 'any');
    el.seed = number('stepper-seed', 1, 0, Number.MAX_SAFE_INTEGER, 1);
    el.deviation = number('stepper-deviation', 0.1, 0.001, 1, 'any');
    el.sample = h('div', { class: 'stepper-sample', role: 'group', 'aria-label': 'The sample x1', dataset: { testid: 'stepper-sample' } });
    el.run = h('button', { type: 'button', class: 'button', dataset: { testid: 'stepper-run' } }, 'Compute the update');
    el.previous = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'stepper-previous' } }, '← Previous step');
    el.next = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'stepper-next' } }, 'Next step →');
    el.all = h('button', { type: 'button', class: 'button button--link', dataset: { testid: 'stepper-all' } }, 'Show every step');
    el.error = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'stepper-error' } });
    el.steps = h('ol', { class: 'stepper-steps', dataset: { testid: 'stepper-steps' } });
    el.position = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite', dataset: { testid: 'stepper-position' } });

    el.input = h('textarea', { id: 'stepper-conv-input', rows: 5, cols: 24, dataset: { testid: 'stepper-conv-input' } });
    el.input.value = printMatrix(LECTURE_MATRIX);
    el.kernel = h('textarea', { id: 'stepper-conv-kernel', rows: 3, cols: 12, dataset: { testid: 'stepper-conv-kernel' } });
    el.kernel.value = printMatrix(EDGE_KERNEL);
    el.convolve = h('button', { type: 'button', class: 'button', dataset: { testid: 'stepper-convolve' } }, 'Convolve');
    el.convError = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'stepper-conv-error' } });
    el.convOutput = h('div', { dataset: { testid: 'stepper-conv-output' } });
    el.convExplain = h('p', { class: 'stepper-explain', role: 'status', 'aria-live': 'polite', dataset: { testid: 'stepper-conv-explain' } });

    const field = (label, input, hint) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'field__hint' }, hint) : null);
    this.#root.append(
      h('h1', {}, 'The update rule, step by step'),
      h('section', { class: 'card', 'aria-labelledby': 'stepper-rbm-heading' },
        h('h2', { id: 'stepper-rbm-heading', class: 'card__title' }, 'One CD-1 update of a tiny RBM'),
        h('p', { class: 'muted' }, 'The numbers are the ones a training job computes with the same seed: the server runs the trainer’s own update.'),
        h('div', { class: 'stepper-settings' },
          field('Visible units', el.visibleCount, `1–${MAX_VISIBLE}`), field('Hidden units', el.hidden, '1–16'),
          field('ε', el.rate, '(0, 10]'), field('Seed', el.seed), field('Initial weights s', el.deviation, 'W ~ N(0, s²)')),
        h('p', {}, 'x1 — click a unit to flip it:'), el.sample,
        h('div', { class: 'presets' }, el.run, el.previous, el.next, el.all), el.error, el.position, el.steps),
      h('section', { class: 'card', 'aria-labelledby': 'stepper-conv-heading' },
        h('h2', { id: 'stepper-conv-heading', class: 'card__title' }, 'One convolution: A_ij = Σ_kl W_kl X_{i+k, j+l}'),
        h('div', { class: 'stepper-settings' }, field('X (rows of numbers)', el.input, 'up to 16×16'), field('W', el.kernel, 'up to 8×8')),
        h('div', { class: 'presets' }, el.convolve), el.convError, el.convOutput, el.convExplain),
      h('section', { class: 'card' },
        h('h2', { class: 'card__title' }, 'One pooling step'),
        h('p', {}, 'Max and average pooling of the lecture’s 4×4 matrix, window by window: ',
          h('a', { href: '#/pooling', dataset: { testid: 'stepper-pooling-link' } }, 'the pooling playground'), '.')));
    this.#el = el;
    this.#renderSample();

    el.visibleCount.addEventListener('change', () => {
      const count = Math.min(MAX_VISIBLE, Math.max(1, Math.trunc(Number(el.visibleCount.value)) || 1));
      this.#sample = Array.from({ length: count }, (_, i) => this.#sample[i] ?? 0);
      this.#renderSample();
    });
    el.run.addEventListener('click', () => void this.#runRbm());
    el.previous.addEventListener('click', () => this.#showStep(this.#index - 1));
    el.next.addEventListener('click', () => this.#showStep(this.#index + 1));
    el.all.addEventListener('click', () => this.#showStep(STEPS.length - 1, true));
    el.convolve.addEventListener('click', () => void this.#runConvolution());
  }

  #renderSample() {
    this.#el.sample.replaceChildren(...this.#sample.map((value, i) => h('button', {
      type: 'button', class: 'stepper-unit', 'aria-pressed': value ? 'true' : 'false', dataset: { testid: `stepper-x1-${i}` },
      onclick: () => { this.#sample[i] = this.#sample[i] ? 0 : 1; this.#renderSample(); },
    }, String(value))));
  }

  async #runRbm() {
    const el = this.#el;
    el.error.textContent = '';
    try {
      this.#step = await stepperApi.rbm({
        visible: this.#sample,
        hidden: Number(el.hidden.value),
        learningRate: Number(el.rate.value),
        seed: Number(el.seed.value),
        initialWeightStdDev: Number(el.deviation.value),
      });
      this.#showStep(0);
    } catch (error) {
      this.#step = null;
      el.steps.replaceChildren();
      el.error.textContent = problemText(error);
    }
  }

  /** Shows the steps 0..index (all of them so far, the newest last). */
  #showStep(index) {
    if (!this.#step) return;
    this.#index = Math.min(STEPS.length - 1, Math.max(0, index));
    const el = this.#el;
    el.steps.replaceChildren(...STEPS.slice(0, this.#index + 1).map((step, i) => h('li', { class: 'stepper-step', dataset: { testid: `stepper-step-${i}` } },
      h('h3', {}, step.title), h('p', { class: 'stepper-formula' }, step.formula), ...step.show(this.#step))));
    el.previous.disabled = this.#index === 0;
    el.next.disabled = this.#index === STEPS.length - 1;
    el.position.textContent = `Step ${this.#index + 1} of ${STEPS.length}: ${STEPS[this.#index].title}`;
  }

  async #runConvolution() {
    const el = this.#el;
    el.convError.textContent = '';
    try {
      this.#convolution = await stepperApi.convolution({ input: parseMatrix(el.input.value), kernel: parseMatrix(el.kernel.value) });
    } catch (error) {
      this.#convolution = null;
      el.convOutput.replaceChildren();
      el.convExplain.textContent = '';
      el.convError.textContent = problemText(error);
      return;
    }
    const { output, steps } = this.#convolution;
    const kernel = parseMatrix(el.kernel.value);
    const input = parseMatrix(el.input.value);
    const explain = (step) => {
      const kw = kernel[0].length;
      const terms = step.terms.map((_, t) => `${kernel[Math.floor(t / kw)][t % kw]}·${input[step.row + Math.floor(t / kw)][step.col + (t % kw)]}`);
      el.convExplain.textContent = `A[${step.row}][${step.col}] = ${terms.join(' + ')} = ${fmt(step.sum)}`;
    };
    el.convOutput.replaceChildren(h('table', { class: 'stepper-table' }, h('caption', {}, `A (${output.length}×${output[0].length}) — pick a cell`),
      h('tbody', {}, output.map((row, i) => h('tr', {}, row.map((value, j) => h('td', {},
        h('button', { type: 'button', class: 'button button--link', dataset: { testid: `stepper-conv-${i}-${j}` }, onclick: () => explain(steps[i * row.length + j]) }, fmt(value)))))))));
    explain(steps[0]);
  }
}
