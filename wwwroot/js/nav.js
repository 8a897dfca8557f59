// The main navigation, built from one list: a page is one line in NAV (its group, hash, label and the name its
// route lights up — pages.js says which name a route lights up). Wide screens show every group in a row; narrow ones
// fold the groups behind a Menu button. The API link shows only where the server serves Swagger (index.html says so).

import { h } from './dom.js';

const apiDocs = () => document.documentElement.dataset.apiDocs !== 'off';

export const NAV = [
  { group: 'Train', items: [
    { nav: 'home', href: '#/', label: 'RBM' },
    { nav: 'dbn', href: '#/dbn', label: 'Deep belief nets', testid: 'nav-dbn' },
    { nav: 'cnn', href: '#/cnn', label: 'Conv nets', testid: 'nav-cnn' },
  ] },
  { group: 'Jobs', items: [
    { nav: 'jobs', href: '#/jobs', label: 'Jobs', testid: 'nav-jobs' },
    { nav: 'compare', href: '#/compare', label: 'Compare runs', testid: 'nav-compare' },
  ] },
  { group: 'Models & gallery', items: [
    { nav: 'models', href: '#/models', label: 'My models', testid: 'nav-models' },
    { nav: 'gallery', href: '#/gallery', label: 'Gallery', testid: 'nav-gallery' },
  ] },
  { group: 'Classes', items: [{ nav: 'classes', href: '#/classes', label: 'Classes', testid: 'nav-classes' }] },
  { group: 'Lecture tools', items: [
    { nav: 'experiments', href: '#/experiments', label: 'Tables', testid: 'nav-experiments' },
    { nav: 'stepper', href: '#/stepper', label: 'Update rule', testid: 'nav-stepper' },
    { nav: 'pooling', href: '#/pooling', label: 'Pooling', testid: 'nav-pooling' },
    { nav: 'demos', href: '#/demos', label: 'Demos', testid: 'nav-demos' },
    { nav: 'data', href: '#/data', label: 'Images & data sets', testid: 'nav-data' },
  ] },
  { group: 'API', when: apiDocs, items: [{ href: 'swagger', label: 'API', external: true, testid: 'nav-api' }] },
];

function link(item) {
  return h('a', {
    href: item.href,
    dataset: { ...(item.nav ? { nav: item.nav } : {}), ...(item.testid ? { testid: item.testid } : {}) },
    target: item.external ? '_blank' : null,
    rel: item.external ? 'noopener' : null,
  }, item.label);
}

/** Fills the header's nav element from NAV and wires its Menu button. */
export function renderNav(nav) {
  const list = h('ul', { class: 'nav', id: 'main-nav-list' },
    NAV.filter((group) => !group.when || group.when()).map((group) => (group.items.length === 1
      ? h('li', { class: 'nav__item' }, link(group.items[0]))
      : h('li', { class: 'nav__group' },
        h('span', { class: 'nav__group-label', id: `nav-group-${group.group.replace(/\W+/g, '-').toLowerCase()}` }, group.group),
        h('ul', { class: 'nav__links', 'aria-label': group.group }, group.items.map((item) => h('li', {}, link(item))))))));
  const toggle = h('button', {
    type: 'button', class: 'nav-toggle button button--secondary', 'aria-expanded': 'false', 'aria-controls': 'main-nav-list', dataset: { testid: 'nav-toggle' },
  }, 'Menu');
  toggle.addEventListener('click', () => setOpen(nav, toggle.getAttribute('aria-expanded') !== 'true'));
  // Following a link closes the folded menu; on wide screens it is never folded.
  list.addEventListener('click', (event) => { if (event.target.closest('a')) setOpen(nav, false); });
  nav.replaceChildren(toggle, list);
}

function setOpen(nav, open) {
  nav.querySelector('.nav-toggle').setAttribute('aria-expanded', String(open));
  nav.classList.toggle('main-nav--open', open);
}

/** Marks the links of one nav name as the current page. */
export function setCurrentNav(name) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
