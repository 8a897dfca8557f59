// The latest jobs (the home page's list): GET /api/jobs's first page, then kept current by StatusChanged from the hub's
// "jobs" group. The Jobs page (jobsPage.js) lists them all.

import { api } from './api.js';
import { h, statusBadge } from './dom.js';
import { formatDate, isTerminal } from './format.js';
import { kindOf } from './kinds.js';

const LATEST = 10;

export class JobList {
  #container;
  #jobs = new Map(); // lower-case id -> JobDto

  constructor(container) {
    this.#container = container;
  }

  async load() {
    this.#container.setAttribute('aria-busy', 'true');
    try {
      const jobs = await api.listJobs({ pageSize: LATEST });
      const previous = this.#jobs;
      this.#jobs = new Map((jobs ?? []).map((job) => {
        const id = String(job.id).toLowerCase();
        // A StatusChanged may have overtaken this (older) HTTP answer: never move a job backwards.
        const known = previous.get(id);
        return [id, known && stage(known.status) > stage(job.status) ? known : job];
      }));
      this.#render();
    } catch (error) {
      this.#container.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not load jobs: ${error.message}`));
    } finally {
      this.#container.setAttribute('aria-busy', 'false');
    }
  }

  /** The listed job with this id, or undefined. */
  find(jobId) {
    return this.#jobs.get(String(jobId).toLowerCase());
  }

  /** Drops a deleted job. */
  remove(jobId) {
    if (this.#jobs.delete(String(jobId).toLowerCase())) this.#render();
  }

  /** Inserts or replaces one job (StatusChanged carries the whole JobDto). */
  upsert(job) {
    if (!job?.id) return;
    this.#jobs.set(String(job.id).toLowerCase(), job);
    // Only the latest stay: a new job pushes the oldest out.
    const newest = [...this.#jobs.entries()].sort(([, a], [, b]) => String(b.createdAt).localeCompare(String(a.createdAt))).slice(0, LATEST);
    this.#jobs = new Map(newest);
    this.#render();
  }

  get hasActiveJobs() {
    return [...this.#jobs.values()].some((job) => !isTerminal(job.status));
  }

  #render() {
    if (this.#jobs.size === 0) {
      this.#container.replaceChildren(h('p', { class: 'empty' }, 'No jobs yet — fill in the form (or click the Homework 1 preset) and start training.'));
      return;
    }
    const jobs = [...this.#jobs.values()].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    const items = jobs.map((job) => {
      const fraction = job.status === 'Succeeded' ? 1 : job.progress?.fraction ?? 0;
      return h('li', { class: 'item', dataset: { testid: 'job-row', jobId: job.id, status: job.status } },
        h('div', { class: 'item__main' },
          h('a', { class: 'item__title job-link', href: `#/jobs/${encodeURIComponent(job.id)}` }, job.name || 'RBM job'),
          h('div', { class: 'muted small' }, kindOf(job.kind).describeJob(job)),
          h('div', { class: 'muted small' }, formatDate(job.createdAt), job.experiment ? ` · a row of ${job.experiment.name}` : '')),
        h('div', { class: 'item__side' },
          statusBadge(job.status, { dataset: { status: job.status, testid: 'job-row-status' } }),
          job.status === 'Running'
            ? h('progress', { class: 'mini-progress', max: '1', value: String(fraction), 'aria-label': `${Math.round(fraction * 100)}% done` })
            : null));
    });
    this.#container.replaceChildren(h('ul', { class: 'items', 'aria-label': 'Training jobs, newest first' }, items));
  }
}

function stage(status) {
  return status === 'Queued' ? 0 : status === 'Running' ? 1 : 2;
}
