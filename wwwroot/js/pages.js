// The pages beyond the RBM home page, and the job views by job kind. app.js routes to them:
// a page gets show(path) with the rest of the hash after its prefix and hide() when another route wins.

import { CnnJobView } from './cnnJobView.js';
import { CnnPage } from './cnnPage.js';
import { DbnJobView } from './dbnJobView.js';
import { DbnPage } from './dbnPage.js';
import { ExperimentsPage } from './experimentsPage.js';
import { PoolingPage } from './poolingPage.js';

const byId = (id) => document.getElementById(id);

/** Hash prefix → page; the first heading inside a page's root gets the focus after navigation. */
export const PAGES = [
  { name: 'dbn', prefix: '#/dbn', title: 'Deep belief nets', view: new DbnPage(byId('dbn-view')), root: byId('dbn-view') },
  { name: 'cnn', prefix: '#/cnn', title: 'Convolutional nets', view: new CnnPage(byId('cnn-view')), root: byId('cnn-view') },
  { name: 'pooling', prefix: '#/pooling', title: 'Pooling playground', view: new PoolingPage(byId('pooling-view')), root: byId('pooling-view') },
  { name: 'experiments', prefix: '#/experiments', title: 'Tables', view: new ExperimentsPage(byId('experiments-view')), root: byId('experiments-view') },
];

/** Job kind → the view that shows one job of that kind; RBM kinds use the home page's JobView. */
export const JOB_VIEWS = {
  dbn: new DbnJobView(byId('dbn-job-view')),
  cnn: new CnnJobView(byId('cnn-job-view')),
};
