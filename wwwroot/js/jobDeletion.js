// The Delete button of a job page, the same in every kind's view: the owner of a finished job deletes it after a
// confirm step (DELETE /api/jobs/{id}); the job leaves the job list ('deepnet:job-deleted') and the page goes back
// to the list. A queued or running job has no Delete: it is canceled first.

import { api } from './api.js';
import { session } from './auth.js';
import { h } from './dom.js';
import { isTerminal, sameId } from './format.js';
import { problemText } from './http.js';

export class JobDeletion {
  #job = null;
  #onDeleted;

  /** @param {{ onDeleted?: () => void }} options what follows a delete; by default the page goes back to the job list */
  constructor({ onDeleted } = {}) {
    this.#onDeleted = onDeleted ?? (() => { location.hash = '#/jobs'; });
  }

  /** The button, for the view's row of job actions. */
  button = h('button', { type: 'button', class: 'button button--danger', dataset: { testid: 'delete-job' }, hidden: true, onclick: () => this.#delete() }, 'Delete job');

  /** Why the last delete failed, next to the button. */
  error = h('p', { class: 'field__error', role: 'alert', dataset: { testid: 'delete-job-error' } });

  /** Shows the button when the signed-in user owns the job (null: no job shown) and it has finished. */
  update(job) {
    if (!sameId(job?.id, this.#job?.id)) this.error.textContent = '';
    this.#job = job;
    this.button.hidden = !(job && isTerminal(job.status) && session.user && sameId(job.ownerId, session.user.id));
  }

  async #delete() {
    const job = this.#job;
    if (!job) return;
    const model = job.modelId ? ' The model it trained stays.' : '';
    if (!window.confirm(`Delete the job “${job.name}” with its metrics, images and checkpoint?${model} This cannot be undone.`)) return;
    this.button.disabled = true;
    this.error.textContent = '';
    try {
      await api.deleteJob(job.id);
      window.dispatchEvent(new CustomEvent('deepnet:job-deleted', { detail: { jobId: job.id } }));
      this.#onDeleted();
    } catch (error) {
      this.error.textContent = `Delete failed: ${problemText(error)}`;
    } finally {
      this.button.disabled = false;
    }
  }
}
