// Entry point: who is signed in, the connection indicator and a tiny hash router over the page registry
// (pages.js lists every route). Nobody signed in (GET /api/auth/me is 401): the sign-in screen instead of
// every page but the public ones (#/shared/{token}).

import { AuthScreen, renameMessage, session } from './auth.js';
import { live } from './live.js';
import { renderNav, setCurrentNav } from './nav.js';
import { homePage, PAGES, pageMatches } from './pages.js';

const LIST_POLL_INTERVAL_MS = 5000;

const { jobList, modelList } = homePage;

live.on('StatusChanged', (job) => {
  jobList.upsert(job);
  if (job?.status === 'Succeeded') modelList.load();
});
window.addEventListener('deepnet:model-ready', () => modelList.load());
// A deleted job leaves the list; the model it trained stays but no longer links to it.
window.addEventListener('deepnet:job-deleted', (event) => {
  jobList.remove(event.detail.jobId);
  modelList.load();
});

// ---------- who is signed in ----------

const connection = document.getElementById('connection-status');
const authView = document.getElementById('auth-view');
const account = document.getElementById('account');
const signInLink = document.getElementById('sign-in-link');
const mainNav = document.querySelector('.site-header nav');
renderNav(mainNav);
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
  document.getElementById('account-name').textContent = user?.displayName ?? '';
}

function startApp() {
  if (started) return;
  started = true;
  jobList.load();
  modelList.load();
  live.watchJobList();
  live.start();
}

// The display name is what classmates see on cards, in classes and in the gallery; the e-mail only its owner sees.
document.getElementById('account-name').addEventListener('click', async () => {
  const wanted = window.prompt('Your display name (what others see instead of your e-mail):', session.user?.displayName ?? '');
  if (wanted === null) return;
  try {
    showAccount(await session.rename(wanted));
  } catch (error) {
    window.alert(renameMessage(error));
  }
});

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

// ---------- connection indicator + polling fallback for the job list ----------

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

let firstRoute = true;

function showPage(page, hash) {
  for (const other of PAGES) if (other !== page) other.view.hide();
  if (!page) return;
  const focus = !firstRoute;
  document.title = page.fullTitle ?? `${page.title} · DeepNetService`;
  page.view.show(hash.slice(page.prefix.length), { hash, focus });
  if (focus && !page.ownsFocus) page.root.querySelector('h1, h2')?.focus({ preventScroll: true });
  if (!page.ownsFocus) window.scrollTo(0, 0);
}

/** Signed out: a public page (an unlisted link) or the sign-in screen. */
function routeSignedOut(hash) {
  const page = PAGES.find((p) => p.public && pageMatches(p, hash));
  showPage(page, hash);
  signInLink.hidden = !page;
  if (page) {
    authScreen.hide();
  } else {
    authScreen.show(authNotice);
    if (!firstRoute) authScreen.focus();
    window.scrollTo(0, 0);
  }
}

function route() {
  const hash = location.hash || '#/';
  if (session.user) {
    authScreen.hide();
    signInLink.hidden = true;
    const page = PAGES.find((p) => pageMatches(p, hash));
    setCurrentNav(page.nav(hash));
    showPage(page, hash);
  } else {
    routeSignedOut(hash);
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
