// What every live job view shares (the RBM, DBN and CNN views specialise it): which job is shown, watching it
// over the hub (WatchJob → Snapshot, then messages about that job only), and reading it over HTTP while the hub
// is down. A subclass renders: reset(jobId), setJob(job), applyImage(image), showWatchError(error), and may add
// build() (markup made on first show), applyStatus(job) and refreshImagesOverHttp(job).

import { api } from './api.js';
import { JobDeletion } from './jobDeletion.js';
import { isTerminal, sameId } from './format.js';
import { live } from './live.js';

const POLL_INTERVAL_MS = 2500;

export class LiveJobView {
  #root;
  #jobId = null;
  #pollTimer = 0;
  #built = false;
  #readOverHttpFirst;
  /** The latest JobDto of the job shown (null before the first answer). */
  job = null;
  /** The Delete button (and its error line) for the subclass's job actions; the subclass's setJob updates it. */
  deletion = new JobDeletion();

  /** readOverHttpFirst: fill the page from GET /api/jobs/{id} at once, even while the hub's Snapshot is coming. */
  constructor(root, { readOverHttpFirst = false } = {}) {
    this.#root = root;
    this.#readOverHttpFirst = readOverHttpFirst;
    this.onJobMessage('Snapshot', (snapshot) => snapshot?.job?.id, (snapshot) => this.applySnapshot(snapshot));
    this.onJobMessage('StatusChanged', (job) => job?.id, (job) => this.applyStatus(job));
    this.onJobMessage('Image', (image) => image?.jobId, (image) => this.applyImage(image));
    this.onJobMessage('WatchError', (message) => message?.jobId, ({ error }) => this.showWatchError(error));
    live.onState((state) => {
      if (!this.#jobId) return;
      if (state === 'connected') clearTimeout(this.#pollTimer); // the re-sent WatchJob brings a fresh Snapshot
      else if (state === 'offline') this.schedulePoll();
    });
  }

  get root() { return this.#root; }
  get jobId() { return this.#jobId; }

  isCurrent(id) {
    return this.#jobId !== null && sameId(id, this.#jobId);
  }

  /** Runs handler for a hub message only when jobIdOf(payload) is the job shown. */
  onJobMessage(message, jobIdOf, handler) {
    live.on(message, (payload) => { if (this.isCurrent(jobIdOf(payload))) handler(payload); });
  }

  async show(jobId) {
    if (!this.#built) {
      this.#built = true;
      this.build();
    }
    if (this.isCurrent(jobId)) {
      this.#root.hidden = false;
      return;
    }
    this.hide();
    this.#jobId = jobId;
    this.deletion.update(null);
    this.reset(jobId);
    this.#root.hidden = false;
    try {
      await live.watchJob(jobId); // remembered while the hub is down: re-sent when it connects
    } catch (error) {
      this.showWatchError(error);
    }
    if (this.#readOverHttpFirst || !live.connected) {
      await this.refreshOverHttp();
      this.schedulePoll();
    }
  }

  hide() {
    if (this.#jobId) live.unwatchJob(this.#jobId);
    this.#jobId = null;
    this.job = null;
    clearTimeout(this.#pollTimer);
    this.#root.hidden = true;
  }

  /** POST /api/jobs/{id}/cancel; the answer (or the error) is the subclass's to show. */
  async cancelJob() {
    const job = await api.cancelJob(this.#jobId);
    if (job && this.isCurrent(job.id)) this.setJob(job);
  }

  /** A cancel button's action: the button is disabled while the request runs; onError shows a failure. */
  async cancelWith(button, onError) {
    if (!this.#jobId) return;
    button.disabled = true;
    try {
      await this.cancelJob();
    } catch (error) {
      onError(error);
    } finally {
      button.disabled = false;
    }
  }

  // ---------- for subclasses to specialise ----------

  build() {}

  reset() {}

  applySnapshot(snapshot) {
    this.setJob(snapshot.job);
    for (const image of snapshot.images ?? []) this.applyImage(image);
  }

  setJob(job) { this.job = job; }

  /** StatusChanged: the job without its heavy parts (a view may keep what it already has). */
  applyStatus(job) { this.setJob(job); }

  applyImage() {}

  showWatchError() {}

  /** Without the hub: the latest images over HTTP. */
  async refreshImagesOverHttp() {}

  // ---------- HTTP fallback while the hub is unreachable ----------

  async refreshOverHttp() {
    const jobId = this.#jobId;
    if (!jobId) return;
    try {
      const job = await api.getJob(jobId);
      if (!this.isCurrent(jobId) || !this.acceptsHttpAnswer()) return;
      this.setJob(job);
      await this.refreshImagesOverHttp(job);
    } catch (error) {
      if (this.isCurrent(jobId) && this.acceptsHttpAnswer()) this.showWatchError(error);
    }
  }

  /** False when a newer answer than HTTP's (the hub's Snapshot) is already shown. */
  acceptsHttpAnswer() { return true; }

  stopPolling() {
    clearTimeout(this.#pollTimer);
  }

  schedulePoll() {
    this.stopPolling();
    if (live.connected || (this.job && isTerminal(this.job.status))) return;
    this.#pollTimer = setTimeout(async () => {
      await this.refreshOverHttp();
      this.schedulePoll();
    }, POLL_INTERVAL_MS);
  }
}
