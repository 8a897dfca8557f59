// The Jobs page (#/jobs?kind=&status=&experiment=&q=&page=): the caller's jobs a page at a time from GET /api/jobs,
// filtered by kind, status and experiment and searched by name; rows of a table experiment are grouped under it; a
// finished job can be deleted from its row (the same confirm step as on its page). The filters live in the hash, so
// a reload or a shared link shows the same list.

import { api } from './api.js';
import { Debounced } from './debounced.js';
import { h, statusBadge } from './dom.js';
import { formatDate } from './format.js';
import { problemText } from './http.js';
import { JobDeletion } from './jobDeletion.js';
import { allKinds, kindOf } from './kinds.js';
import { live } from './live.js';

const PAGE_SIZE = 20;
const STATUSES = ['Queued', 'Running', 'Succeeded', 'Failed', 'Canceled'];
const FILTERS = ['kind', 'status', 'experiment', 'q'];

export class JobsPage {
  #root;
  #el;
  #filters = {};
  #reload = new Debounced();
  #experimentsLoaded = false;

  constructor(root) {
    this.#root = root;
    const select = (name, label, options) => h('label', { class: 'field filter' }, h('span', {}, label),
      h('select', { name, dataset: { testid: `jobs-filter-${name}` } }, h('option', { value: '' }, 'All'), options));
    this.#el = {
      form: h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter jobs' },
        h('label', { class: 'field filter filter--wide' }, h('span', {}, 'Name contains'),
          h('input', { type: 'search', name: 'q', maxlength: '200', autocomplete: 'off', dataset: { testid: 'jobs-search' } })),
        select('kind', 'Kind', allKinds().map((k) => h('option', { value: k.kind }, k.label))),
        select('status', 'Status', STATUSES.map((s) => h('option', { value: s }, s))),
        select('experiment', 'Experiment', [])),
      summary: h('p', { class: 'muted small', role: 'status', dataset: { testid: 'jobs-summary' } }),
      list: h('div', { class: 'jobs-table', 'aria-live': 'polite', 'aria-busy': 'true', dataset: { testid: 'jobs-page-list' } }),
      pager: h('nav', { class: 'pager', 'aria-label': 'Pages of jobs' }),
    };
    root.append(h('section', { class: 'card', 'aria-labelledby': 'jobs-page-heading' },
      h('div', { class: 'card__header' },
        h('h1', { id: 'jobs-page-heading', class: 'card__title', tabindex: '-1' }, 'Jobs'),
        h('a', { class: 'button button--secondary', href: '#/' }, 'Train a new model')),
      this.#el.form, this.#el.summary, this.#el.list, this.#el.pager));

    this.#el.form.addEventListener('submit', (event) => event.preventDefault());
    this.#el.form.addEventListener('change', (event) => { if (event.target.name !== 'q') this.#navigate({ page: 1 }); });
    this.#el.form.elements.q.addEventListener('input', () => this.#reload.schedule(300, async () => this.#navigate({ page: 1 })));
    // A job that starts, finishes or fails changes its row: reload the page shown (coalesced).
    live.on('StatusChanged', () => { if (!this.#root.hidden) this.#reload.schedule(500, () => this.#load()); });
    window.addEventListener('deepnet:job-deleted', () => { if (!this.#root.hidden) this.#load(); });
  }

  show(path) {
    this.#root.hidden = false;
    const params = new URLSearchParams(path.startsWith('?') ? path.slice(1) : '');
    this.#filters = Object.fromEntries([...FILTERS, 'page'].map((name) => [name, params.get(name) ?? '']));
    for (const name of FILTERS) this.#el.form.elements[name].value = this.#filters[name];
    this.#loadExperiments();
    this.#load();
  }

  hide() {
    this.#root.hidden = true;
  }

  /** The hash of the current filters with some changed. */
  #navigate(changes) {
    const next = { ...Object.fromEntries(FILTERS.map((name) => [name, this.#el.form.elements[name].value.trim()])), ...changes };
    const search = new URLSearchParams(Object.entries(next).filter(([name, value]) => value && !(name === 'page' && Number(value) === 1)));
    const hash = `#/jobs${search.size ? `?${search}` : ''}`;
    if (location.hash === hash) this.#load();
    else location.hash = hash;
  }

  async #loadExperiments() {
    if (this.#experimentsLoaded) return;
    try {
      const experiments = (await api.listExperiments()) ?? [];
      const select = this.#el.form.elements.experiment;
      select.append(...experiments.map((e) => h('option', { value: e.id }, `${e.name} (${formatDate(e.createdAt)})`)));
      select.value = this.#filters.experiment;
      this.#experimentsLoaded = true;
    } catch {
      // The filter still works from a link; the list of names is a convenience.
    }
  }

  async #load() {
    const page = Math.max(1, Number(this.#filters.page) || 1);
    this.#el.list.setAttribute('aria-busy', 'true');
    try {
      const { items, total } = await api.jobsPage({ ...this.#filters, page, pageSize: PAGE_SIZE });
      this.#render(items, total, page);
    } catch (error) {
      this.#el.summary.textContent = '';
      this.#el.pager.replaceChildren();
      this.#el.list.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not load jobs: ${problemText(error)}`));
    } finally {
      this.#el.list.setAttribute('aria-busy', 'false');
    }
  }

  #render(jobs, total, page) {
    const first = (page - 1) * PAGE_SIZE;
    const filtered = FILTERS.some((name) => this.#filters[name]);
    this.#el.summary.textContent = total === 0 ? '' : `Jobs ${first + 1}–${first + jobs.length} of ${total}${filtered ? ' matching the filters' : ''}, newest first.`;
    if (jobs.length === 0) {
      this.#el.list.replaceChildren(h('p', { class: 'empty' }, filtered ? 'No job matches these filters.' : 'No jobs yet — train a model and it appears here.'));
    } else {
      this.#el.list.replaceChildren(h('ul', { class: 'items', 'aria-label': 'Jobs, newest first' }, groupByExperiment(jobs)));
    }
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const pageLink = (target, label, testid) => h('button', {
      type: 'button', class: 'button button--secondary', disabled: target < 1 || target > pages, dataset: { testid },
      onclick: () => this.#navigate({ page: String(target) }),
    }, label);
    this.#el.pager.replaceChildren(...(pages > 1 ? [
      pageLink(page - 1, '← Newer', 'jobs-prev'),
      h('span', { class: 'muted small' }, `Page ${page} of ${pages}`),
      pageLink(page + 1, 'Older →', 'jobs-next'),
    ] : []));
  }
}

/** Rows in order, the rows of one experiment gathered under it where its newest row stands. */
function groupByExperiment(jobs) {
  const groups = new Map();
  const out = [];
  for (const job of jobs) {
    const experiment = job.experiment;
    if (!experiment) {
      out.push(row(job));
      continue;
    }
    let group = groups.get(experiment.id);
    if (!group) {
      group = h('ul', { class: 'items items--nested', 'aria-label': `Rows of ${experiment.name}` });
      groups.set(experiment.id, group);
      out.push(h('li', { class: 'item-group', dataset: { testid: 'job-experiment-group', experimentId: experiment.id } },
        h('div', { class: 'item-group__title' },
          h('a', { href: `#/experiments/${encodeURIComponent(experiment.id)}` }, experiment.name),
          h('span', { class: 'muted small' }, ' · table experiment')),
        group));
    }
    group.append(row(job));
  }
  return out;
}

function row(job) {
  const deletion = new JobDeletion({ onDeleted: () => {} });
  deletion.update(job);
  const fraction = job.status === 'Succeeded' ? 1 : job.progress?.fraction ?? 0;
  return h('li', { class: 'item', dataset: { testid: 'jobs-page-row', jobId: job.id, status: job.status } },
    h('div', { class: 'item__main' },
      h('a', { class: 'item__title job-link', href: `#/jobs/${encodeURIComponent(job.id)}` }, job.name || 'Job'),
      h('div', { class: 'muted small' }, kindOf(job.kind).describeJob(job)),
      h('div', { class: 'muted small' }, formatDate(job.createdAt), job.experiment ? ` · row ${job.experiment.row}` : ''),
      deletion.error),
    h('div', { class: 'item__side' },
      statusBadge(job.status, { dataset: { status: job.status, testid: 'job-row-status' } }),
      job.status === 'Running'
        ? h('progress', { class: 'mini-progress', max: '1', value: String(fraction), 'aria-label': `${Math.round(fraction * 100)}% done` })
        : null,
      deletion.button));
}
