// DbnPage: replaced by its owner's implementation (see /work/team/CONTRACT-45.md).
export class DbnPage {
  #root;
  constructor(root) { this.#root = root; }
  /** @param {string} path the hash after the page's prefix (e.g. "/{id}" or ""). */
  show(path) { this.#root.hidden = false; this.#root.textContent = ''; void path; }
  hide() { this.#root.hidden = true; }
}
