// One SignalR connection to /hubs/training for the whole page.
// Views subscribe to server messages with on(); what is being watched (the job list, one job)
// is remembered here and re-requested after every (re)connect, so a reconnect yields a fresh Snapshot.

import { buildHubConnection, hubsAvailable, isDisconnected } from './hubs.js';

const SERVER_MESSAGES = ['Snapshot', 'StatusChanged', 'Progress', 'EpochCompleted', 'StageEpochCompleted', 'Image', 'EvaluationCompleted'];
const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000, 10000, 15000, 30000];

class LiveConnection {
  #connection = null;
  #handlers = new Map(); // message name -> Set of handlers
  #stateHandlers = new Set();
  #watchingList = false;
  #watchedJob = null;
  #state = 'connecting';
  #startAttempt = 0;

  get state() { return this.#state; }
  get connected() { return this.#state === 'connected'; }

  /** Subscribe to a server → client message; returns an unsubscribe function. */
  on(message, handler) {
    if (!this.#handlers.has(message)) this.#handlers.set(message, new Set());
    this.#handlers.get(message).add(handler);
    return () => this.#handlers.get(message)?.delete(handler);
  }

  /** Observe connection state: 'connecting' | 'connected' | 'reconnecting' | 'offline'. */
  onState(handler) {
    this.#stateHandlers.add(handler);
    handler(this.#state);
    return () => this.#stateHandlers.delete(handler);
  }

  start() {
    if (this.#connection) return;
    if (!hubsAvailable) {
      this.#setState('offline');
      console.warn('SignalR client library missing: live updates are off, the page polls instead.');
      return;
    }
    this.#connection = buildHubConnection('hubs/training', { retryDelaysMs: RETRY_DELAYS_MS });

    for (const message of SERVER_MESSAGES) {
      this.#connection.on(message, (payload) => this.#dispatch(message, payload));
    }
    this.#connection.onreconnecting(() => this.#setState('reconnecting'));
    this.#connection.onreconnected(() => this.#afterConnect());
    // Automatic reconnect gave up (server down for a long time): keep trying at a slow pace.
    this.#connection.onclose(() => {
      this.#setState('offline');
      this.#scheduleStart(15000);
    });
    this.#scheduleStart(0);
  }

  /** Ask for StatusChanged of every job (group "jobs"). */
  async watchJobList() {
    this.#watchingList = true;
    if (this.connected) await this.#invoke('WatchJobList');
  }

  /**
   * Watch one job: the server answers with Snapshot first, then live messages.
   * Throws if the server says the job does not exist.
   */
  async watchJob(jobId) {
    const previous = this.#watchedJob;
    this.#watchedJob = jobId;
    if (!this.connected) return;
    if (previous && previous !== jobId) await this.#invoke('UnwatchJob', previous).catch(() => {});
    await this.#connection.invoke('WatchJob', jobId);
  }

  async unwatchJob(jobId) {
    if (this.#watchedJob === jobId) this.#watchedJob = null;
    if (this.connected) await this.#invoke('UnwatchJob', jobId).catch(() => {});
  }

  #scheduleStart(delayMs) {
    setTimeout(() => this.#tryStart(), delayMs);
  }

  async #tryStart() {
    if (!isDisconnected(this.#connection)) return;
    this.#setState(this.#startAttempt === 0 ? 'connecting' : 'offline');
    try {
      await this.#connection.start();
      this.#startAttempt = 0;
      await this.#afterConnect();
    } catch {
      this.#startAttempt++;
      this.#setState('offline');
      this.#scheduleStart(Math.min(2000 * this.#startAttempt, 15000));
    }
  }

  async #afterConnect() {
    this.#setState('connected');
    if (this.#watchingList) await this.#invoke('WatchJobList').catch(() => {});
    if (this.#watchedJob) {
      try {
        await this.#connection.invoke('WatchJob', this.#watchedJob);
      } catch (error) {
        this.#dispatch('WatchError', { jobId: this.#watchedJob, error });
      }
    }
  }

  async #invoke(method, ...args) {
    try {
      await this.#connection.invoke(method, ...args);
    } catch (error) {
      console.warn(`Hub call ${method} failed:`, error?.message ?? error);
      throw error;
    }
  }

  #dispatch(message, payload) {
    for (const handler of this.#handlers.get(message) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        console.error(`Handler for ${message} failed`, error);
      }
    }
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    for (const handler of this.#stateHandlers) handler(state);
  }
}

export const live = new LiveConnection();
