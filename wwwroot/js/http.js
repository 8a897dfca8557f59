// The one HTTP transport of the UI: every call to the API goes through request() or requestBlob(), so a
// 401 ends the session the same way everywhere and every failure is an ApiError carrying the RFC 7807
// ProblemDetails body. URLs are relative so the UI also works behind a path base.

const JSON_ACCEPT = 'application/json, application/problem+json';
const IMAGE_ACCEPT = 'image/png, application/problem+json';

/** An HTTP error carrying the ProblemDetails body (errors keyed by field for 400s); status 0 when unreachable. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed with HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem ?? {};
    this.errors = problem?.errors ?? {};
  }
}

/** A path segment, escaped. */
export const id = (value) => encodeURIComponent(value);

/** "?a=1&b=x" from the parameters that have a value ('' when none has). */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Server URLs may be absolute ("/api/...") — make them relative so a path base still works. */
export const relative = (url) => (typeof url === 'string' ? url.replace(/^\/(?!\/)/, '') : url);

/** True for the rejection of a request that was aborted on purpose (a newer one superseded it). */
export const isAbort = (error) => error?.name === 'AbortError';

async function send(method, url, body, { signal, accept }) {
  const init = { method, headers: { Accept: accept }, signal, credentials: 'same-origin' };
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body; // FormData: the browser sets multipart/form-data with its boundary
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(url, init);
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    throw new ApiError(0, { title: 'The server cannot be reached. Is DeepNet.Server running?', detail: String(cause?.message ?? cause) });
  }
}

async function bodyOf(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 300) };
  }
}

async function failure(response, url) {
  // A 401 outside /api/auth means the session ended (signed out elsewhere, cookie expired): app.js shows the sign-in screen.
  if (response.status === 401 && !String(url).startsWith('api/auth/')) window.dispatchEvent(new CustomEvent('deepnet:unauthorized'));
  return new ApiError(response.status, await bodyOf(response));
}

/** The JSON answer (null when empty); ApiError otherwise. options: { signal }. */
export async function request(method, url, body, { signal } = {}) {
  const response = await send(method, url, body, { signal, accept: JSON_ACCEPT });
  if (!response.ok) throw await failure(response, url);
  return bodyOf(response);
}

/**
 * A page of a paged list (GET /api/jobs, /api/models, /api/gallery): { items, total } from the JSON array and its
 * X-Total-Count header. The browser revalidates with the list's ETag, so an unchanged page costs a 304.
 */
export async function requestPage(url, { signal } = {}) {
  const response = await send('GET', url, undefined, { signal, accept: JSON_ACCEPT });
  if (!response.ok) throw await failure(response, url);
  const items = (await bodyOf(response)) ?? [];
  const total = Number(response.headers.get('X-Total-Count') ?? items.length);
  return { items, total };
}

/** For endpoints that answer with an image: the Blob on success, ApiError otherwise. */
export async function requestBlob(method, url, body, { signal } = {}) {
  const response = await send(method, url, body, { signal, accept: IMAGE_ACCEPT });
  if (!response.ok) throw await failure(response, url);
  return response.blob();
}

/** The message to show for a failed request: the ProblemDetails detail (else its title), then its field errors. */
export function problemText(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const fields = Object.entries(error.errors ?? {}).map(([field, messages]) => `${field}: ${[].concat(messages).join(' ')}`);
  const summary = error.problem?.detail || (fields.length > 0 ? '' : error.problem?.title || error.message);
  return [summary, ...fields].filter(Boolean).join(' ');
}

/** The field errors of a 400 whose key is or starts with one of the prefixes (case-insensitive), as one string. */
export function fieldErrors(error, ...prefixes) {
  if (!(error instanceof ApiError)) return '';
  const lowered = prefixes.map((p) => p.toLowerCase());
  return Object.entries(error.errors ?? {})
    .filter(([field]) => lowered.some((p) => field.toLowerCase() === p || field.toLowerCase().startsWith(`${p}[`) || field.toLowerCase().startsWith(`${p}.`)))
    .flatMap(([, messages]) => [].concat(messages))
    .join(' ');
}
