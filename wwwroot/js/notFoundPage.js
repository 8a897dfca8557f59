// What an address that names nothing shows: an unknown route, or a job or model id that does not exist (or that the
// caller may not see — the server answers both with 404, and so does this page).

import { h } from './dom.js';

export class NotFoundPage {
  #root;
  #heading = h('h1', { class: 'card__title', tabindex: '-1', dataset: { testid: 'not-found-title' } });
  #detail = h('p', {});

  constructor(root) {
    this.#root = root;
    root.append(h('section', { class: 'card not-found' },
      this.#heading, this.#detail,
      h('p', {}, h('a', { href: '#/' }, 'Train a model'), ' · ', h('a', { href: '#/jobs' }, 'Your jobs'), ' · ', h('a', { href: '#/models' }, 'Your models'), ' · ', h('a', { href: '#/gallery' }, 'Gallery'))));
  }

  /** Shows the view; what says what was not found (an unknown route when not given). */
  show(path, { hash, what } = {}) {
    this.#root.hidden = false;
    this.#heading.textContent = what?.title ?? 'Page not found';
    this.#detail.textContent = what?.detail ?? `There is no page at “${hash ?? path}”. Pick one from the menu or follow a link below.`;
  }

  hide() {
    this.#root.hidden = true;
  }
}
