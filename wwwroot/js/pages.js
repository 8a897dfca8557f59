// The page registry: every route of the UI is one entry here, and app.js routes to the first whose hash matches.
// A page gets show(path, { hash, focus }) with the rest of the hash after its prefix, and hide() when another
// page wins. A page with match(hash) decides itself whether a hash is its own; nav(hash) names the header link
// it lights up; a public page is shown without signing in. The first heading inside a page's root gets the
// focus after navigation unless the page moves the focus itself (ownsFocus).

import { AccountPage } from './accountPage.js';
import { session } from './auth.js';
import { ClassesPage } from './classesPage.js';
import { CnnPage } from './cnnPage.js';
import { DataPage } from './dataPage.js';
import { DbnPage } from './dbnPage.js';
import { DemosPage } from './demos.js';
import { ExperimentsPage } from './experimentsPage.js';
import { GalleryPage } from './galleryPage.js';
import { HomePage } from './homePage.js';
import { JobPage } from './jobPage.js';
import { JobsPage } from './jobsPage.js';
import { ModelCardPage } from './modelCard.js';
import { ModelsPage } from './modelsPage.js';
import { NotFoundPage } from './notFoundPage.js';
import { PoolingPage } from './poolingPage.js';
import { StepperPage } from './stepperPage.js';
import { ComparePage } from './comparePage.js';
import { AssignmentsPage } from './assignmentsPage.js';

const byId = (id) => document.getElementById(id);
const signedIn = () => session.user !== null;

export const homePage = new HomePage(byId('home-view'));
const notFound = new NotFoundPage(byId('not-found-view'));

/** "#/name" alone or with a query ("#/jobs?status=Failed"), not "#/name/…". */
const listOf = (prefix) => (hash) => hash === prefix || hash.startsWith(`${prefix}?`);

export const PAGES = [
  {
    prefix: '#/jobs',
    match: (hash) => /^#\/jobs\/[^/?#]+/.test(hash),
    nav: () => 'jobs',
    title: 'Job',
    view: new JobPage((jobId) => homePage.jobList.find(jobId), notFound),
    ownsFocus: true,
  },
  { prefix: '#/jobs', match: listOf('#/jobs'), nav: () => 'jobs', title: 'Jobs', view: new JobsPage(byId('jobs-view')), root: byId('jobs-view') },
  { prefix: '#/models', match: listOf('#/models'), nav: () => 'models', title: 'My models', view: new ModelsPage(byId('models-view')), root: byId('models-view') },
  { prefix: '#/data', nav: () => 'data', title: 'Images & data sets', view: new DataPage(byId('data-view'), { onChanged: () => homePage.jobForm.refreshSources() }), root: byId('data-view') },
  { prefix: '#/demos', nav: () => 'demos', title: 'Demos', view: new DemosPage(byId('demos-view')), root: byId('demos-view') },
  { prefix: '#/dbn', nav: () => 'dbn', title: 'Deep belief nets', view: new DbnPage(byId('dbn-view')), root: byId('dbn-view') },
  { prefix: '#/cnn', nav: () => 'cnn', title: 'Convolutional nets', view: new CnnPage(byId('cnn-view')), root: byId('cnn-view') },
  { prefix: '#/pooling', nav: () => 'pooling', title: 'Pooling playground', view: new PoolingPage(byId('pooling-view')), root: byId('pooling-view') },
  { prefix: '#/stepper', nav: () => 'stepper', title: 'The update rule, step by step', view: new StepperPage(byId('stepper-view')), root: byId('stepper-view') },
  { prefix: '#/compare', nav: () => 'compare', title: 'Compare runs', view: new ComparePage(byId('compare-view')), root: byId('compare-view') },
  { prefix: '#/experiments', nav: () => 'experiments', title: 'Tables', view: new ExperimentsPage(byId('experiments-view')), root: byId('experiments-view') },
  { prefix: '#/gallery', nav: () => 'gallery', title: 'Gallery', view: new GalleryPage(byId('gallery-view')), root: byId('gallery-view') },
  {
    prefix: '#/models',
    match: (hash) => /^#\/models\/[^/?#]+/.test(hash),
    nav: () => 'models',
    title: 'Model',
    view: new ModelCardPage(byId('model-view'), { signedIn }),
    root: byId('model-view'),
  },
  {
    prefix: '#/shared',
    match: (hash) => /^#\/shared\/[^/?#]+/.test(hash),
    nav: () => 'gallery',
    public: true,
    title: 'Shared model',
    view: new ModelCardPage(byId('shared-view'), { shared: true, signedIn }),
    root: byId('shared-view'),
  },
  { prefix: '#/account', nav: () => 'account', title: 'Your account', view: new AccountPage(byId('account-view')), root: byId('account-view') },
  { prefix: '#/classes', nav: () => 'classes', title: 'Classes', view: new ClassesPage(byId('classes-view'), { currentUser: () => session.user }), root: byId('classes-view') },
  { prefix: '#/assignments', nav: () => 'classes', title: 'Assignments', view: new AssignmentsPage(byId('assignments-view')), root: byId('assignments-view') },
  { prefix: '#/', match: (hash) => ['', '#', '#/'].includes(hash) || hash.startsWith('#/?'), nav: () => 'home', fullTitle: 'DeepNetService — train RBMs on MNIST', view: homePage, ownsFocus: true },
  // Last: any other address names no page.
  { prefix: '', match: () => true, nav: () => null, title: 'Page not found', view: notFound, root: byId('not-found-view') },
];

/** True when the hash belongs to the page. */
export function pageMatches(page, hash) {
  return page.match ? page.match(hash) : hash === page.prefix || hash.startsWith(`${page.prefix}/`) || hash.startsWith(`${page.prefix}?`);
}
