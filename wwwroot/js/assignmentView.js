// One assignment (#/assignments/ID): the instructions (Markdown rendered as DOM), the fixed job and inputs for the
// settings students may change, the caller's runs from it with a Submit button each, and their submission with the
// instructor's comment.

import { assignmentsApi } from './assignmentsApi.js';
import { h, statusBadge } from './dom.js';
import { problemText } from './http.js';
import { renderMarkdown } from './markdown.js';

const POLL_MS = 1500;

/** The value at "a.b.c" of an object, or undefined. */
const valueAt = (object, path) => path.split('.').reduce((node, part) => (node == null ? undefined : node[part]), object);

/** {a: {b: value}} from "a.b" and value, merged into target. */
function setAt(target, path, value) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts.at(-1)] = value;
}

/** Numbers, booleans, arrays and null as JSON; anything else as the text itself. */
function parseValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class AssignmentView {
  #root;
  #id;
  #current;
  #assignment = null;
  #el = {};
  #timer = 0;

  constructor(root, id, current) {
    this.#root = root;
    this.#id = id;
    this.#current = current;
  }

  async load() {
    const error = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'assignment-error' } });
    this.#root.append(error);
    try {
      this.#assignment = await assignmentsApi.get(this.#id);
    } catch (e) {
      if (this.#current()) error.textContent = problemText(e);
      return;
    }
    if (!this.#current()) return;
    this.#build(error);
    await this.#refreshRuns();
  }

  #build(error) {
    const a = this.#assignment;
    const el = this.#el;
    el.inputs = new Map(a.editableFields.map((path) => {
      const value = valueAt(a.job, path);
      const input = h('input', {
        id: `assignment-field-${path}`, type: 'text', dataset: { testid: 'assignment-field', path },
        value: value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value),
      });
      return [path, input];
    }));
    el.start = h('button', { type: 'button', class: 'button button--primary', dataset: { testid: 'assignment-start' } }, 'Start a run');
    el.startStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'assignment-start-status' } });
    el.runs = h('tbody', {});
    el.submission = h('div', { dataset: { testid: 'assignment-submission' } });
    this.#root.append(
      h('h1', { dataset: { testid: 'assignment-heading' } }, a.title),
      h('p', { class: 'muted' }, `Due ${new Date(a.dueAt).toLocaleString()}`,
        a.canViewClass ? [' · ', h('a', { href: `#/assignments/${encodeURIComponent(a.id)}/class`, dataset: { testid: 'assignment-class-link' } }, 'Class view')] : null,
        ' · ', h('a', { href: `#/assignments?class=${encodeURIComponent(a.classId)}` }, 'All assignments of the class')),
      error,
      h('section', { class: 'card markdown', dataset: { testid: 'assignment-instructions-view' } }, renderMarkdown(a.instructions)),
      h('section', { class: 'card' },
        h('h2', { class: 'card__title' }, 'Start a run'),
        a.editableFields.length === 0 ? h('p', { class: 'muted' }, 'Every setting is fixed by the assignment.') : null,
        [...el.inputs].map(([path, input]) => h('div', { class: 'field' }, h('label', { for: input.id }, path), input)),
        h('details', {}, h('summary', {}, 'The job and its fixed settings'), h('pre', { class: 'mono small' }, JSON.stringify(a.job, null, 2))),
        el.start, el.startStatus),
      h('section', { class: 'card' },
        h('h2', { class: 'card__title' }, 'Your runs from this assignment'),
        h('table', { class: 'table', dataset: { testid: 'assignment-runs' } },
          h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, ''))), el.runs)),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Your submission'), el.submission));
    this.#renderSubmission();
    el.start.addEventListener('click', () => void this.#start());
  }

  async #start() {
    const el = this.#el;
    const changes = {};
    for (const [path, input] of el.inputs) {
      if (input.value.trim() !== '') setAt(changes, path, parseValue(input.value.trim()));
    }
    el.start.disabled = true;
    el.startStatus.textContent = '';
    try {
      const job = await assignmentsApi.startRun(this.#id, changes);
      el.startStatus.textContent = `Started “${job.name}”.`;
      await this.#refreshRuns();
    } catch (e) {
      el.startStatus.textContent = problemText(e);
    } finally {
      el.start.disabled = false;
    }
  }

  async #refreshRuns() {
    clearTimeout(this.#timer);
    let runs;
    try {
      runs = await assignmentsApi.runs(this.#id);
    } catch (e) {
      if (this.#current()) this.#el.startStatus.textContent = problemText(e);
      return;
    }
    if (!this.#current()) return;
    this.#el.runs.replaceChildren(...runs.map((run) => {
      const submit = run.status === 'Succeeded'
        ? h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'assignment-submit' } }, run.submitted ? 'Submitted' : 'Submit')
        : null;
      if (submit) {
        submit.disabled = run.submitted;
        submit.addEventListener('click', () => void this.#submit(run.jobId));
      }
      return h('tr', { dataset: { testid: 'assignment-run', jobId: run.jobId, status: run.status } },
        h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(run.jobId)}` }, run.name)),
        h('td', {}, statusBadge(run.status)),
        h('td', {}, submit));
    }));
    if (runs.some((run) => run.status === 'Queued' || run.status === 'Running')) {
      this.#timer = setTimeout(() => void this.#refreshRuns(), POLL_MS);
    }
  }

  async #submit(jobId) {
    try {
      this.#assignment = await assignmentsApi.submit(this.#id, jobId);
      this.#renderSubmission();
      await this.#refreshRuns();
    } catch (e) {
      this.#el.startStatus.textContent = problemText(e);
    }
  }

  #renderSubmission() {
    const mine = this.#assignment.mySubmission;
    this.#el.submission.replaceChildren(...(mine
      ? [
          h('p', { dataset: { testid: 'assignment-submitted', late: String(mine.late) } },
            `Submitted ${new Date(mine.submittedAt).toLocaleString()}`, mine.late ? h('span', { class: 'badge', dataset: { status: 'Failed' } }, 'late') : null),
          mine.comment ? h('blockquote', { dataset: { testid: 'assignment-comment' } }, 'The instructor: ', mine.comment) : null,
        ]
      : [h('p', { class: 'muted' }, 'Nothing submitted yet: submit one of your succeeded runs above.')]).filter(Boolean));
  }
}
