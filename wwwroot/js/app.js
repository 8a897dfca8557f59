// Entry point: wires the views to the hub and a tiny hash router.
//   #/            train form, job list, models list
//   #/jobs        same page, focused on the job list
//   #/models      same page, focused on the models list
//   #/jobs/{id}   one job, live

import { HOMEWORK1_PRESET, JobForm } from './jobForm.js';
import { JobList } from './jobList.js';
import { JobView } from './jobView.js';
import { live } from './live.js';
import { ModelList } from './modelList.js';

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

document.getElementById('preset-homework1').addEventListener('click', () => jobForm.applyPreset(HOMEWORK1_PRESET));
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

function route() {
  const hash = location.hash || '#/';
  const jobMatch = /^#\/jobs\/([^/?#]+)/.exec(hash);
  if (jobMatch) {
    homeView.hidden = true;
    setCurrentNav('jobs');
    jobView.show(decodeURIComponent(jobMatch[1]));
    if (!firstRoute) document.getElementById('job-name').focus({ preventScroll: true });
    window.scrollTo(0, 0);
  } else {
    jobView.hide();
    homeView.hidden = false;
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
