// Entry point: wires the views to the hub and a tiny hash router.
//   #/            train form, job list, models list
//   #/jobs        same page, focused on the job list
//   #/models      same page, focused on the models list
//   #/jobs/{id}   one job, live
//   #/data        images and data sets (upload, list, delete)
//   #/demos       feature maps and Gibbs sampling
//   #/dbn, #/cnn, #/pooling, #/experiments[/{id}]   the pages of pages.js
//   #/jobs/{id} of a DBN or CNN job goes to that kind's view (pages.js JOB_VIEWS)
//   #/gallery, #/models/{id}, #/classes   sharing (pages.js); #/shared/{token} also without signing in
// Nobody signed in (GET /api/auth/me is 401): the sign-in screen instead of every other route.

import { AuthScreen, session } from './auth.js';
import { DataPage } from './dataPage.js';
import { DemosPage } from './demos.js';
import { HOMEWORK1_PRESET, HOMEWORK2_PRESET, JobForm, LECTURE_PRESET } from './jobForm.js';
import { JobList } from './jobList.js';
import { JobView } from './jobView.js';
import { api } from './api.js';
import { live } from './live.js';
import { ModelImport } from './modelImport.js';
import { ModelList } from './modelList.js';
import { JOB_VIEWS, PAGES, pageMatches } from './pages.js';

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

new ModelImport(document.getElementById('model-import'), {
  onImported: (model) => {
    modelList.load();
    location.hash = `#/models/${encodeURIComponent(model.id)}`;
  },
});

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

// ---------- who is signed in ----------

const authView = document.getElementById('auth-view');
const account = document.getElementById('account');
const signInLink = document.getElementById('sign-in-link');
const mainNav = document.querySelector('.site-header nav');
let started = false;
let authNotice = '';

const authScreen = new AuthScreen(authView, {
  onSignedIn: (user) => {
    if (started) {
      // The session ended while the app ran and a user signed in again: start from a clean slate.
      location.reload();
      return;
    }
    authNotice = '';
    showAccount(user);
    startApp();
    route();
  },
});

function showAccount(user) {
  account.hidden = !user;
  mainNav.hidden = !user;
  connection.hidden = !user;
  document.getElementById('account-email').textContent = user?.email ?? '';
}

function startApp() {
  if (started) return;
  started = true;
  jobList.load();
  modelList.load();
  live.watchJobList();
  live.start();
}

document.getElementById('sign-out').addEventListener('click', async (event) => {
  event.currentTarget.disabled = true;
  try {
    await session.signOut();
  } catch {
    // Signed out or not: the page starts over either way.
  }
  history.replaceState(null, '', '#/');
  location.reload();
});

window.addEventListener('deepnet:unauthorized', () => {
  if (!session.user) return;
  session.forget();
  showAccount(null);
  authNotice = 'Your session has ended. Sign in again.';
  route();
});
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

function hideAllViews() {
  demosPage.leave();
  dataView.hidden = true;
  demosView.hidden = true;
  jobView.hide();
  homeView.hidden = true;
  hideKindViews(null);
}

/** Signed out: a public page (an unlisted link) or the sign-in screen. */
function routeSignedOut(hash) {
  hideAllViews();
  const page = PAGES.find((p) => p.public && pageMatches(p, hash));
  signInLink.hidden = !page;
  if (page) {
    authScreen.hide();
    page.view.show(hash.slice(page.prefix.length));
    document.title = `${page.title} · DeepNetService`;
  } else {
    authScreen.show(authNotice);
    if (!firstRoute) authScreen.focus();
  }
  window.scrollTo(0, 0);
  firstRoute = false;
}

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
  if (!session.user) {
    routeSignedOut(hash);
    return;
  }
  authScreen.hide();
  signInLink.hidden = true;
  const jobMatch = /^#\/jobs\/([^/?#]+)/.exec(hash);
  const extra = PAGES.find((p) => pageMatches(p, hash));
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

async function boot() {
  let user = null;
  try {
    user = await session.load();
  } catch (error) {
    authNotice = `The server could not say who is signed in: ${error.message}`;
  }
  showAccount(user);
  if (user) startApp();
  route();
}

boot();
