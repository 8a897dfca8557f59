// Assignments (issue 15): #/assignments?class=ID lists a class's assignments (and lets its instructor publish one from a
// built-in template); #/assignments/ID is one assignment (instructions, start a run, submit); #/assignments/ID/class is
// its class view. This page routes between the three; each view lives in its own module.

import { AssignmentClassView } from './assignmentClassView.js';
import { AssignmentView } from './assignmentView.js';
import { assignmentsApi } from './assignmentsApi.js';
import { h } from './dom.js';
import { problemText } from './http.js';
import { sharingApi } from './sharingApi.js';

const formatDue = (iso) => new Date(iso).toLocaleString();

export class AssignmentsPage {
  #root;
  #generation = 0;

  constructor(root) {
    this.#root = root;
  }

  show(path) {
    this.#root.hidden = false;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    const rest = path ?? '';
    const classId = new URLSearchParams(rest.startsWith('?') ? rest.slice(1) : '').get('class');
    const [, assignmentId, view] = /^\/([^/?#]+)(?:\/([a-z]+))?/.exec(rest) ?? [];
    this.#root.replaceChildren();
    if (assignmentId && view === 'class') void new AssignmentClassView(this.#root, assignmentId, current).load();
    else if (assignmentId) void new AssignmentView(this.#root, assignmentId, current).load();
    else void this.#list(classId, current);
  }

  hide() {
    this.#root.hidden = true;
    this.#generation++;
  }

  async #list(classId, current) {
    const error = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'assignments-error' } });
    const list = h('ul', { class: 'assignment-list', dataset: { testid: 'assignment-list' } });
    const heading = h('h1', {}, 'Assignments');
    this.#root.append(heading, error, list);
    if (!classId) {
      error.textContent = 'Open the assignments of a class from its card on the Classes page.';
      return;
    }
    let classroom;
    let assignments;
    try {
      [classroom, assignments] = await Promise.all([sharingApi.getClass(classId), assignmentsApi.list(classId)]);
    } catch (e) {
      if (current()) error.textContent = problemText(e);
      return;
    }
    if (!current()) return;
    heading.textContent = `Assignments of ${classroom.name}`;
    list.replaceChildren(...(assignments.length === 0 ? [h('li', { class: 'muted' }, 'No assignments yet.')] : assignments.map((a) => h('li', {
      class: 'card assignment-item', dataset: { testid: 'assignment-item', assignmentId: a.id },
    },
    h('h2', { class: 'card__title' }, h('a', { href: `#/assignments/${encodeURIComponent(a.id)}`, dataset: { testid: 'assignment-link' } }, a.title)),
    h('p', { class: 'muted small' }, `Due ${formatDue(a.dueAt)}`, a.mySubmission ? ` · submitted${a.mySubmission.late ? ' (late)' : ''}` : ''),
    a.canViewClass ? h('a', { href: `#/assignments/${encodeURIComponent(a.id)}/class`, dataset: { testid: 'assignment-class-link' } }, 'Class view') : null))));
    if (classroom.role === 'instructor') this.#root.append(await this.#publishForm(classId, current));
  }

  /** The instructor's form: a built-in template fills every field; all stay editable before publishing. */
  async #publishForm(classId, current) {
    const templates = await assignmentsApi.templates().catch(() => []);
    const el = {
      template: h('select', { id: 'assignment-template', dataset: { testid: 'assignment-template' } },
        h('option', { value: '' }, 'Custom job'), templates.map((t) => h('option', { value: t.key }, t.title))),
      title: h('input', { id: 'assignment-title', type: 'text', maxlength: '200', required: true, dataset: { testid: 'assignment-title' } }),
      instructions: h('textarea', { id: 'assignment-instructions', rows: 6, maxlength: '16000', dataset: { testid: 'assignment-instructions' } }),
      job: h('textarea', { id: 'assignment-job', rows: 8, class: 'mono', dataset: { testid: 'assignment-job' } }),
      editable: h('input', { id: 'assignment-editable', type: 'text', dataset: { testid: 'assignment-editable' } }),
      metrics: h('input', { id: 'assignment-metrics', type: 'text', dataset: { testid: 'assignment-metrics' } }),
      due: h('input', { id: 'assignment-due', type: 'datetime-local', required: true, dataset: { testid: 'assignment-due' } }),
      open: h('input', { id: 'assignment-open', type: 'checkbox', dataset: { testid: 'assignment-open' } }),
      status: h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'assignment-status' } }),
      submit: h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'assignment-publish' } }, 'Publish'),
    };
    const week = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    el.due.value = new Date(week.getTime() - week.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    const fill = () => {
      const t = templates.find((x) => x.key === el.template.value);
      if (!t) return;
      el.title.value = t.title;
      el.instructions.value = t.asks ? `${t.instructions}\n\n${t.asks}` : t.instructions;
      el.job.value = JSON.stringify(t.job, null, 2);
      el.editable.value = t.editableFields.join(', ');
      el.metrics.value = t.metrics.join(', ');
    };
    el.template.addEventListener('change', fill);
    const field = (label, input, hint) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'muted small' }, hint) : null);
    const form = h('form', { class: 'card', dataset: { testid: 'assignment-form' } },
      h('h2', { class: 'card__title' }, 'Publish an assignment'),
      field('Template', el.template),
      field('Title', el.title),
      field('Instructions (Markdown)', el.instructions),
      field('Job (as POST /api/jobs takes it)', el.job),
      field('Settings students may change', el.editable, 'Comma-separated paths such as rbm.hiddenUnits; every other setting is fixed.'),
      field('Metrics of the class view', el.metrics),
      field('Due', el.due),
      h('label', { class: 'choice__option' }, el.open, h('span', {}, 'Let the class open the class view')),
      el.submit, el.status);
    const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      let job;
      try {
        job = el.job.value.trim() ? JSON.parse(el.job.value) : null;
      } catch (e) {
        el.status.textContent = `job: not JSON (${e.message})`;
        return;
      }
      el.submit.disabled = true;
      try {
        const created = await assignmentsApi.create(classId, {
          title: el.title.value,
          instructions: el.instructions.value,
          template: el.template.value || null,
          job,
          editableFields: list(el.editable.value),
          metrics: list(el.metrics.value),
          dueAt: el.due.value ? new Date(el.due.value).toISOString() : null,
          classCanView: el.open.checked,
        });
        if (current()) location.hash = `#/assignments/${encodeURIComponent(created.id)}`;
      } catch (e) {
        el.status.textContent = problemText(e);
      } finally {
        el.submit.disabled = false;
      }
    });
    return form;
  }
}
