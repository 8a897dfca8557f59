// A task that runs after a pause and supersedes its previous run: the older timer is cleared and the older
// request aborted, so only the newest answer is shown.

import { isAbort } from './http.js';

export class Debounced {
  #timer = 0;
  #controller = null;
  #sequence = 0;

  /** Runs task(signal) after delay ms; a newer call cancels the older one (timer and request). */
  schedule(delay, task) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.run(task), delay);
  }

  async run(task) {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const sequence = ++this.#sequence;
    try {
      await task(controller.signal, () => sequence === this.#sequence);
    } catch (error) {
      if (!isAbort(error)) throw error;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  cancel() {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    this.#controller = null;
    this.#sequence++;
  }
}
