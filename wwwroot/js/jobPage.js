// The page of one job (#/jobs/{id}): the job's kind picks the view that shows it (kinds.js).

import { api } from './api.js';
import { createdJobViews, jobViewOf } from './kinds.js';

export class JobPage {
  #findListed;
  #version = 0;

  /** @param {(jobId: string) => object|undefined} findListed the job from the job list, when it is there */
  constructor(findListed) { this.#findListed = findListed; }

  async show(path, { focus }) {
    const version = ++this.#version;
    const jobId = decodeURIComponent(/^\/([^/?#]+)/.exec(path)?.[1] ?? '');
    const kind = await this.#kindOf(jobId);
    if (version !== this.#version) return; // a newer navigation won while the kind was looked up
    // An unknown job or kind: the RBM view says that the job was not found.
    const view = jobViewOf(kind) ?? jobViewOf('rbm');
    for (const other of createdJobViews()) if (other !== view) other.hide();
    view.show(jobId);
    if (focus) view.root?.querySelector('h1, h2')?.focus({ preventScroll: true });
  }

  hide() {
    this.#version++;
    for (const view of createdJobViews()) view.hide();
  }

  /** The kind of a job, from the job list when it is there, else from the API (null when unknown or not found). */
  async #kindOf(jobId) {
    const listed = this.#findListed(jobId);
    if (listed) return listed.kind;
    try {
      return (await api.getJob(jobId)).kind;
    } catch {
      return null;
    }
  }
}
