// The one SignalR connection factory: every hub connection of the UI is built here the same way (relative URL
// for a path base, the client's logging off), and streaming hubs share one lazily started connection each.

const signalR = globalThis.signalR;

/** True when the vendored SignalR browser client is loaded. */
export const hubsAvailable = Boolean(signalR);

/** A new, not yet started connection to the hub at path; retryDelaysMs turns on automatic reconnects. */
export function buildHubConnection(path, { retryDelaysMs } = {}) {
  if (!signalR) throw new Error('The SignalR client library is missing.');
  const builder = new signalR.HubConnectionBuilder().withUrl(path);
  if (retryDelaysMs) builder.withAutomaticReconnect(retryDelaysMs);
  return builder.configureLogging(signalR.LogLevel.None).build();
}

export const isDisconnected = (connection) => connection.state === signalR.HubConnectionState.Disconnected;
export const isConnected = (connection) => connection?.state === signalR?.HubConnectionState.Connected;

/** A hub error's message without SignalR's "…HubException: " prefix. */
export function hubMessage(error) {
  const text = String(error?.message ?? error ?? 'The hub call failed.');
  const marker = 'HubException: ';
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text;
}

/** One connection to a streaming hub, started on first use and shared by every stream of the page. */
export class StreamingHub {
  #path;
  #connection = null;
  #starting = null;

  constructor(path) { this.#path = path; }

  async #connect() {
    if (isConnected(this.#connection)) return this.#connection;
    if (!this.#starting) {
      this.#connection = buildHubConnection(this.#path);
      this.#starting = this.#connection.start().finally(() => { this.#starting = null; });
    }
    await this.#starting;
    return this.#connection;
  }

  /**
   * Streams method(argument): onItem(item) per item, then onDone(error|null) once — also after stopping.
   * Returns a function that stops the stream (the server sees the cancellation and stops).
   */
  async stream(method, argument, { onItem, onDone }) {
    const connection = await this.#connect();
    let finished = false;
    const finish = (error) => {
      if (finished) return;
      finished = true;
      onDone(error);
    };
    const subscription = connection.stream(method, argument).subscribe({
      next: (item) => { if (!finished) onItem(item); },
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
