// DBN calls that api.js does not have (models by id, experiments) and the generation hub /hubs/dbn.

import { ApiError } from './api.js';

async function request(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined
        ? { Accept: 'application/json, application/problem+json' }
        : { Accept: 'application/json, application/problem+json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, { title: 'The server cannot be reached.', detail: String(cause?.message ?? cause) });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { title: text.slice(0, 300) }; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const id = (value) => encodeURIComponent(value);

export const dbnApi = {
  getModel: (modelId) => request('GET', `api/models/${id(modelId)}`),
  listModels: () => request('GET', 'api/models'),
  startExperiment: (kind, scale) => request('POST', 'api/experiments', { kind, scale }),
};

/** One lazily started connection to /hubs/dbn for generation streams. */
class DbnHubConnection {
  #connection = null;
  #starting = null;

  async #connect() {
    const signalR = globalThis.signalR;
    if (!signalR) throw new Error('The SignalR client library is missing.');
    if (this.#connection?.state === signalR.HubConnectionState.Connected) return this.#connection;
    if (!this.#starting) {
      this.#connection = new signalR.HubConnectionBuilder()
        .withUrl('hubs/dbn')
        .configureLogging(signalR.LogLevel.None)
        .build();
      this.#starting = this.#connection.start().finally(() => { this.#starting = null; });
    }
    await this.#starting;
    return this.#connection;
  }

  /**
   * Streams frames of Generate(request): onFrame({ step, pngBase64 }), then onDone(error|null).
   * Returns a function that stops the stream.
   */
  async generate(request, { onFrame, onDone }) {
    const connection = await this.#connect();
    let finished = false;
    const finish = (error) => {
      if (finished) return;
      finished = true;
      onDone(error);
    };
    const subscription = connection.stream('Generate', request).subscribe({
      next: (frame) => onFrame(frame),
      error: (error) => finish(error),
      complete: () => finish(null),
    });
    return () => {
      if (finished) return;
      subscription.dispose();
      finish(null);
    };
  }
}

export const dbnHub = new DbnHubConnection();

/** A hub error's message without SignalR's prefix. */
export function hubMessage(error) {
  const text = String(error?.message ?? error ?? 'Generation failed.');
  const marker = 'HubException: ';
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text;
}
