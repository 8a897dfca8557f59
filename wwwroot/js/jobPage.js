// The page of one job (#/jobs/{id}): the job's kind picks the view that shows it (kinds.js); a job that does not
// exist (or that the caller may not see) gets the not-found view.

import { api } from './api.js';
import { ApiError } from './http.js';
import { createdJobViews, jobViewOf } from './kinds.js';

export class JobPage {
  #findListed;
  #notFound;
  #version = 0;

  /**
   * @param {(jobId: string) => object|undefined} findListed the job from the job list, when it is there
   * @param {{ show: Function, hide: Function }} notFound the not-found view
   */
  constructor(findListed, notFound) {
    this.#findListed = findListed;
    this.#notFound = notFound;
  }

  async show(path, { focus, hash }) {
    const version = ++this.#version;
    const jobId = decodeURIComponent(/^\/([^/?#]+)/.exec(path)?.[1] ?? '');
    const kind = await this.#kindOf(jobId);
    if (version !== this.#version) return; // a newer navigation won while the kind was looked up
    if (kind === NOT_FOUND) {
      for (const view of createdJobViews()) view.hide();
      this.#notFound.show(path, { hash, what: { title: 'Job not found', detail: `There is no job ${jobId} that you can see: it was deleted, or the link is wrong.` } });
      if (focus) document.querySelector('[data-testid=not-found-title]')?.focus({ preventScroll: true });
      return;
    }
    this.#notFound.hide();
    // An unknown kind (a newer server) or a failed look-up: the RBM view shows what it can, or the error.
    const view = jobViewOf(kind) ?? jobViewOf('rbm');
    for (const other of createdJobViews()) if (other !== view) other.hide();
    view.show(jobId);
    if (focus) view.root?.querySelector('h1, h2')?.focus({ preventScroll: true });
  }

  hide() {
    this.#version++;
    for (const view of createdJobViews()) view.hide();
    this.#notFound.hide();
  }

  /** The kind of a job, from the job list when it is there, else from the API; NOT_FOUND for a 404, null when the look-up failed. */
  async #kindOf(jobId) {
    const listed = this.#findListed(jobId);
    if (listed) return listed.kind;
    try {
      return (await api.getJob(jobId)).kind;
    } catch (error) {
      return error instanceof ApiError && error.status === 404 ? NOT_FOUND : null;
    }
  }
}

const NOT_FOUND = Symbol('not found');
