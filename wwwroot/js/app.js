// Entry point: wires the views to the hub and a tiny hash router.
//   #/            train form, job list, models list
//   #/jobs        same page, focused on the job list
//   #/models      same page, focused on the models list
//   #/jobs/{id}   one job, live
//   #/data        images and data sets (upload, list, delete)
//   #/demos       feature maps and Gibbs sampling
//   #/dbn, #/cnn, #/pooling, #/experiments[/{id}]   the pages of pages.js
//   #/jobs/{id} of a DBN or CNN job goes to that kind's view (pages.js JOB_VIEWS)

import { DataPage } from './dataPage.js';
import { DemosPage } from './demos.js';
import { HOMEWORK1_PRESET, HOMEWORK2_PRESET, JobForm, LECTURE_PRESET } from './jobForm.js';
import { JobList } from './jobList.js';
import { JobView } from './jobView.js';
import { api } from './api.js';
import { live } from './live.js';
import { ModelList } from './modelList.js';
import { JOB_VIEWS, PAGES } from './pages.js';

const LIST_POLL_INTERVAL_MS = 5000;

const homeView = document.getElementById('home-view');
const jobList = new JobList(document.getElementById('jobs-list'));
const modelList = new ModelList(document.getElementById('models-list'));
const jobView = new JobView(document.getElementById('job-view'), {
  onModelReady: () => modelList.load(),
});
const jobForm = new JobForm(document.getElementById('job-form'), {
  onSubmitted: (job) => {
    jobList.upsert(job);
    location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
  },
});

const dataView = document.getElementById('data-view');
const demosView = document.getElementById('demos-view');
const dataPage = new DataPage(dataView, { onChanged: () => jobForm.refreshSources() });
const demosPage = new DemosPage(demosView);

document.getElementById('preset-homework1').addEventListener('click', () => jobForm.applyPreset(HOMEWORK1_PRESET));
document.getElementById('preset-homework2').addEventListener('click', () => jobForm.applyPreset(HOMEWORK2_PRESET));
document.getElementById('preset-lecture').addEventListener('click', () => jobForm.applyPreset(LECTURE_PRESET));
document.getElementById('refresh-jobs').addEventListener('click', () => jobList.load());
document.getElementById('refresh-models').addEventListener('click', () => modelList.load());

live.on('StatusChanged', (job) => {
  jobList.upsert(job);
  if (job?.status === 'Succeeded') modelList.load();
});

// ---------- connection indicator + polling fallback for the lists ----------

const connection = document.getElementById('connection-status');
const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — retrying',
};
let listPollTimer = 0;
live.onState((state) => {
  connection.dataset.state = state;
  connection.querySelector('.connection__text').textContent = CONNECTION_TEXT[state] ?? state;
  connection.title = state === 'connected'
    ? 'Live updates over SignalR are on.'
    : 'Live updates are unavailable; the page refreshes from the API every few seconds.';
  clearInterval(listPollTimer);
  if (state === 'connected') {
    jobList.load(); // catch up on anything missed while disconnected
  } else if (state === 'offline') {
    listPollTimer = setInterval(() => {
      if (jobList.hasActiveJobs) jobList.load();
    }, LIST_POLL_INTERVAL_MS);
  }
});

// ---------- router ----------

function setCurrentNav(name) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

let firstRoute = true;

function hideKindViews(except) {
  for (const page of PAGES) if (page !== except) page.view.hide();
  for (const view of Object.values(JOB_VIEWS)) if (view !== except) view.hide();
}

/** The kind of a job, from the job list when it is there, else from the API (null when unknown or not found). */
async function jobKind(jobId) {
  const listed = jobList.find(jobId);
  if (listed) return listed.kind;
  try {
    return (await api.getJob(jobId)).kind;
  } catch {
    return null;
  }
}

let routeVersion = 0;

async function route() {
  const version = ++routeVersion;
  const hash = location.hash || '#/';
  const jobMatch = /^#\/jobs\/([^/?#]+)/.exec(hash);
  const extra = PAGES.find((p) => hash === p.prefix || hash.startsWith(`${p.prefix}/`) || hash.startsWith(`${p.prefix}?`));
  if (extra) {
    demosPage.leave();
    dataView.hidden = true;
    demosView.hidden = true;
    jobView.hide();
    homeView.hidden = true;
    hideKindViews(extra.view);
    setCurrentNav(extra.name);
    document.title = `${extra.title} · DeepNetService`;
    extra.view.show(hash.slice(extra.prefix.length));
    if (!firstRoute) extra.root.querySelector('h1, h2')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    firstRoute = false;
    return;
  }
  const kindView = jobMatch ? JOB_VIEWS[await jobKind(decodeURIComponent(jobMatch[1]))] : null;
  if (version !== routeVersion) return; // a newer navigation won while the kind was looked up
  if (kindView) {
    demosPage.leave();
    dataView.hidden = true;
    demosView.hidden = true;
    jobView.hide();
    homeView.hidden = true;
    hideKindViews(kindView);
    setCurrentNav('jobs');
    kindView.show(decodeURIComponent(jobMatch[1]));
    window.scrollTo(0, 0);
    firstRoute = false;
    return;
  }
  hideKindViews(null);
  const page = hash.startsWith('#/data') ? 'data' : hash.startsWith('#/demos') ? 'demos' : null;
  if (page !== 'demos') demosPage.leave();
  dataView.hidden = page !== 'data';
  demosView.hidden = page !== 'demos';
  if (page) {
    jobView.hide();
    homeView.hidden = true;
    setCurrentNav(page);
    document.title = page === 'data' ? 'Images & data sets · DeepNetService' : 'Demos · DeepNetService';
    if (page === 'data') dataPage.load();
    else demosPage.load();
    if (!firstRoute) document.getElementById(`${page}-heading`).focus({ preventScroll: true });
    window.scrollTo(0, 0);
  } else if (jobMatch) {
    homeView.hidden = true;
    setCurrentNav('jobs');
    jobView.show(decodeURIComponent(jobMatch[1]));
    if (!firstRoute) document.getElementById('job-name').focus({ preventScroll: true });
    window.scrollTo(0, 0);
  } else {
    jobView.hide();
    homeView.hidden = false;
    jobForm.refreshSources();
    document.title = 'DeepNetService — train RBMs on MNIST';
    const section = hash.startsWith('#/models') ? 'models' : hash.startsWith('#/jobs') ? 'jobs' : 'home';
    setCurrentNav(section);
    if (section === 'home') {
      if (!firstRoute) document.getElementById('form-heading').focus({ preventScroll: true });
      window.scrollTo(0, 0);
    } else {
      const heading = document.getElementById(`${section}-heading`);
      heading.scrollIntoView({ block: 'start' });
      if (!firstRoute) heading.focus({ preventScroll: true });
    }
  }
  firstRoute = false;
}

window.addEventListener('hashchange', route);

jobList.load();
modelList.load();
live.watchJobList();
live.start();
route();
