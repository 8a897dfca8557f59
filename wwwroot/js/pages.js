// The pages beyond the RBM home page, and the job views by job kind. app.js routes to them:
// a page gets show(path) with the rest of the hash after its prefix and hide() when another route wins.
// A page with match(hash) decides itself whether a hash is its own; a public page is shown without signing in.

import { session } from './auth.js';
import { ClassesPage } from './classesPage.js';
import { CnnJobView } from './cnnJobView.js';
import { CnnPage } from './cnnPage.js';
import { DbnJobView } from './dbnJobView.js';
import { DbnPage } from './dbnPage.js';
import { ExperimentsPage } from './experimentsPage.js';
import { GalleryPage } from './galleryPage.js';
import { ModelCardPage } from './modelCard.js';
import { PoolingPage } from './poolingPage.js';

const byId = (id) => document.getElementById(id);
const signedIn = () => session.user !== null;

/** Hash prefix → page; the first heading inside a page's root gets the focus after navigation. */
export const PAGES = [
  { name: 'dbn', prefix: '#/dbn', title: 'Deep belief nets', view: new DbnPage(byId('dbn-view')), root: byId('dbn-view') },
  { name: 'cnn', prefix: '#/cnn', title: 'Convolutional nets', view: new CnnPage(byId('cnn-view')), root: byId('cnn-view') },
  { name: 'pooling', prefix: '#/pooling', title: 'Pooling playground', view: new PoolingPage(byId('pooling-view')), root: byId('pooling-view') },
  { name: 'experiments', prefix: '#/experiments', title: 'Tables', view: new ExperimentsPage(byId('experiments-view')), root: byId('experiments-view') },
  { name: 'gallery', prefix: '#/gallery', title: 'Gallery', view: new GalleryPage(byId('gallery-view')), root: byId('gallery-view') },
  {
    name: 'gallery',
    prefix: '#/models',
    match: (hash) => /^#\/models\/[^/?#]+/.test(hash), // "#/models" alone is the home page's models list
    title: 'Model',
    view: new ModelCardPage(byId('model-view'), { signedIn }),
    root: byId('model-view'),
  },
  {
    name: 'gallery',
    prefix: '#/shared',
    match: (hash) => /^#\/shared\/[^/?#]+/.test(hash),
    public: true,
    title: 'Shared model',
    view: new ModelCardPage(byId('shared-view'), { shared: true, signedIn }),
    root: byId('shared-view'),
  },
  { name: 'classes', prefix: '#/classes', title: 'Classes', view: new ClassesPage(byId('classes-view'), { currentUser: () => session.user }), root: byId('classes-view') },
];

/** True when the hash belongs to the page. */
export function pageMatches(page, hash) {
  return page.match ? page.match(hash) : hash === page.prefix || hash.startsWith(`${page.prefix}/`) || hash.startsWith(`${page.prefix}?`);
}

/** Job kind → the view that shows one job of that kind; RBM kinds use the home page's JobView. */
export const JOB_VIEWS = {
  dbn: new DbnJobView(byId('dbn-job-view')),
  cnn: new CnnJobView(byId('cnn-job-view')),
};
