// The class view of an assignment (#/assignments/ID/class): every submission side by side — a sortable metric table,
// the per-class errors as one heat map (students × digits), the learning curves overlaid (EpochChart, log option, as
// on the compare page), the filter images in a grid, a CSV export, and for the instructor a comment per submission.

import { assignmentsApi } from './assignmentsApi.js';
import { EpochChart, heatColour } from './charts.js';
import { h } from './dom.js';
import { problemText } from './http.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
const colour = (i) => COLOURS[i % COLOURS.length];
const METRIC_LABELS = {
  reconstructionError: 'Reconstruction error',
  trainedDigitsError: 'Error, digits trained on',
  otherDigitsError: 'Error, other digits',
  binaryError: 'Binary reconstruction error',
  nonBinaryError: 'Non-binary reconstruction error',
  testError: 'Test error (%)',
};
const format = (value) => (value == null ? '—' : Number(value).toPrecision(4));

export class AssignmentClassView {
  #root;
  #id;
  #current;
  #view = null;
  #sort = { column: 'student', descending: false };
  #el = {};

  constructor(root, id, current) {
    this.#root = root;
    this.#id = id;
    this.#current = current;
  }

  async load() {
    const error = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'class-view-error' } });
    const heading = h('h1', {}, 'Class view');
    this.#root.append(heading, error);
    try {
      this.#view = await assignmentsApi.classView(this.#id);
    } catch (e) {
      if (this.#current()) error.textContent = problemText(e);
      return;
    }
    if (!this.#current()) return;
    const { assignment, rows } = this.#view;
    heading.textContent = `Class view: ${assignment.title}`;
    const el = this.#el;
    el.table = h('div', { dataset: { testid: 'class-view-table' } });
    el.heat = h('div', { dataset: { testid: 'class-view-heatmap' } });
    el.log = h('input', { type: 'checkbox', id: 'class-view-log', dataset: { testid: 'class-view-log' } });
    el.chart = h('div', { class: 'chart', dataset: { testid: 'class-view-curves' } }, h('p', { class: 'chart__empty muted' }, 'No finished epochs yet.'));
    el.images = h('div', { class: 'class-view-images', dataset: { testid: 'class-view-images' } });
    this.#root.append(
      h('p', { class: 'muted' }, `${rows.length} submission${rows.length === 1 ? '' : 's'} · `,
        h('a', { href: assignmentsApi.csvUrl(this.#id), download: '', dataset: { testid: 'class-view-csv' } }, 'Download CSV'), ' · ',
        h('a', { href: `#/assignments/${encodeURIComponent(this.#id)}` }, 'The assignment'),
        rows.length >= 2 && rows.length <= 8
          ? [' · ', h('a', { href: `#/compare?jobs=${rows.map((r) => r.submission.jobId).join(',')}`, dataset: { testid: 'class-view-compare' } }, 'Compare these runs')]
          : null),
      ...(assignment.isInstructor ? [this.#openToggle()] : []),
      ...(this.#view.notSubmitted.length > 0
        ? [h('p', { class: 'muted small', dataset: { testid: 'class-view-not-submitted' } }, `Not submitted yet: ${this.#view.notSubmitted.join(', ')}`)]
        : []),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Metrics'), el.table),
      h('section', { class: 'card', hidden: rows.every((r) => !r.perClass) }, h('h2', { class: 'card__title' }, 'Reconstruction error per digit'),
        h('p', { class: 'muted small' }, 'One colour scale for the whole class, from its smallest error (dark) to its largest (yellow); digits a run was trained on in bold.'), el.heat),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Learning curves'),
        h('label', { class: 'choice__option' }, el.log, h('span', {}, 'Logarithmic error axis')), el.chart),
      h('section', { class: 'card' }, h('h2', { class: 'card__title' }, 'Filters'), el.images));
    this.#renderTable();
    this.#renderHeatMap();
    this.#renderCurves();
    this.#renderImages();
  }

  /** The instructor opens (or closes) this view to the class: the assignment is saved with the flag flipped. */
  #openToggle() {
    const a = this.#view.assignment;
    const box = h('input', { type: 'checkbox', id: 'class-view-open', checked: a.classCanView, dataset: { testid: 'class-view-open' } });
    const status = h('span', { class: 'muted small', role: 'status' });
    box.addEventListener('change', async () => {
      try {
        await assignmentsApi.update(a.id, {
          title: a.title, instructions: a.instructions, template: a.template, job: a.job,
          editableFields: a.editableFields, metrics: a.metrics, dueAt: a.dueAt, classCanView: box.checked,
        });
        status.textContent = box.checked ? ' Open to the class.' : ' Only you see it.';
      } catch (e) {
        box.checked = !box.checked;
        status.textContent = ` ${problemText(e)}`;
      }
    });
    return h('p', {}, h('label', { class: 'choice__option' }, box, h('span', {}, 'Let the class see this view')), status);
  }

  #sorted() {
    const { column, descending } = this.#sort;
    const key = (row) => (column === 'student' ? row.submission.displayName.toLowerCase()
      : column === 'submitted' ? row.submission.submittedAt : row.values[Number(column)] ?? Number.POSITIVE_INFINITY);
    const rows = [...this.#view.rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return descending ? rows.reverse() : rows;
  }

  #renderTable() {
    const { metrics, assignment } = this.#view;
    const header = (column, label) => {
      const active = this.#sort.column === column;
      const button = h('button', { type: 'button', class: 'button button--link', dataset: { testid: 'class-view-sort', column } }, label);
      button.addEventListener('click', () => {
        this.#sort = { column, descending: active ? !this.#sort.descending : false };
        this.#renderTable();
      });
      return h('th', { scope: 'col', 'aria-sort': active ? (this.#sort.descending ? 'descending' : 'ascending') : 'none' }, button);
    };
    this.#el.table.replaceChildren(h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, header('student', 'Student'), metrics.map((m, i) => header(String(i), METRIC_LABELS[m] ?? m)),
        header('submitted', 'Submitted'), assignment.isInstructor ? h('th', { scope: 'col' }, 'Comment') : null)),
      h('tbody', {}, this.#sorted().map((row) => h('tr', { dataset: { testid: 'class-view-row', userId: row.submission.userId } },
        h('th', { scope: 'row' }, row.submission.displayName, h('div', { class: 'muted small' }, row.jobName)),
        row.values.map((v) => h('td', { class: 'num' }, format(v))),
        h('td', {}, new Date(row.submission.submittedAt).toLocaleString(), row.submission.late ? h('span', { class: 'badge', dataset: { status: 'Failed', testid: 'class-view-late' } }, 'late') : null),
        assignment.isInstructor ? h('td', {}, this.#commentBox(row)) : null)))));
  }

  #commentBox(row) {
    const text = h('textarea', { rows: 2, maxlength: '4000', 'aria-label': `Comment for ${row.submission.displayName}`, dataset: { testid: 'class-view-comment' } });
    text.value = row.submission.comment ?? '';
    const save = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'class-view-comment-save' } }, 'Save');
    const status = h('span', { class: 'muted small', role: 'status' });
    save.addEventListener('click', async () => {
      try {
        const saved = await assignmentsApi.comment(this.#id, row.submission.userId, text.value);
        row.submission.comment = saved.comment;
        status.textContent = ' Saved.';
      } catch (e) {
        status.textContent = ` ${problemText(e)}`;
      }
    });
    return h('div', {}, text, save, status);
  }

  /** Students × digits, each cell coloured on one scale from the smallest to the largest error in the class. */
  #renderHeatMap() {
    const rows = this.#view.rows.filter((r) => r.perClass);
    const values = rows.flatMap((r) => r.perClass).filter((v) => v != null);
    const [min, max] = [Math.min(...values), Math.max(...values)];
    const scale = (v) => (max > min ? (v - min) / (max - min) : 0.5);
    const digits = [...Array(10).keys()];
    this.#el.heat.replaceChildren(h('table', { class: 'table heatmap', dataset: { testid: 'class-view-heatmap-table' } },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Student'), digits.map((d) => h('th', { scope: 'col' }, String(d))))),
      h('tbody', {}, rows.map((row) => h('tr', { dataset: { testid: 'class-view-heat-row' } },
        h('th', { scope: 'row' }, row.submission.displayName),
        digits.map((d) => {
          const v = row.perClass[d];
          const trained = row.trainedDigits.includes(d);
          const cell = h('td', {
            class: `heatmap__cell num${trained ? ' is-trained' : ''}`,
            title: `${row.submission.displayName}, digit ${d}${trained ? ' (trained on)' : ''}: ${format(v)}`,
          }, format(v));
          if (v != null) {
            cell.style.backgroundColor = heatColour(scale(v));
            cell.style.color = scale(v) > 0.6 ? '#000' : '#fff';
          }
          return cell;
        }))))));
  }

  #renderCurves() {
    const rows = this.#view.rows;
    const chart = new EpochChart(this.#el.chart, {
      yLabel: this.#view.rows.some((r) => r.kind === 'dbn' || r.kind === 'cnn') ? 'error' : 'reconstruction error',
      series: rows.map((row, i) => ({ key: `s${i}`, label: row.submission.displayName, color: colour(i) })),
    });
    const byEpoch = new Map();
    rows.forEach((row, i) => row.curve.forEach((value, epoch) => {
      const report = byEpoch.get(epoch + 1) ?? {};
      report[`s${i}`] = value;
      byEpoch.set(epoch + 1, report);
    }));
    chart.setReports([...byEpoch].map(([epoch, report]) => ({ epoch, report })));
    this.#el.chart.dataset.series = String(rows.filter((r) => r.curve.length > 0).length);
    this.#el.log.addEventListener('change', () => chart.setLog(this.#el.log.checked));
  }

  #renderImages() {
    this.#el.images.replaceChildren(...this.#view.rows.map((row) => h('figure', { class: 'compare-figure', dataset: { testid: 'class-view-image' } },
      row.images.length > 0
        ? h('img', { src: assignmentsApi.imageUrl(this.#id, row.submission.userId, row.images[0]), alt: `${row.images[0]} of ${row.submission.displayName}`, class: 'compare-image' })
        : h('p', { class: 'muted small' }, 'Not shown: made from a private data set.'),
      h('figcaption', {}, row.submission.displayName))));
  }
}
