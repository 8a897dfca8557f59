// HTTP calls of accounts, classes, the gallery, model cards and sharing (issue 6), with the ProblemDetails
// handling of api.js. Requests can carry an AbortSignal (the "Try it" panel drops superseded requests).

import { ApiError, noteUnauthorized } from './api.js';

async function send(method, url, body, { signal, accept = 'application/json, application/problem+json' } = {}) {
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
    if (cause?.name === 'AbortError') throw cause;
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

async function request(method, url, body, options) {
  const response = await send(method, url, body, options);
  const data = await bodyOf(response);
  if (!response.ok) {
    noteUnauthorized(response.status, url);
    throw new ApiError(response.status, data);
  }
  return data;
}

async function requestBlob(method, url, body, options) {
  const response = await send(method, url, body, { ...options, accept: 'image/png, application/problem+json' });
  if (!response.ok) {
    noteUnauthorized(response.status, url);
    throw new ApiError(response.status, await bodyOf(response));
  }
  return response.blob();
}

const id = (value) => encodeURIComponent(value);

function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Where a model's card, file and "try" live: by id for signed-in readers, by token for an unlisted link. */
export function modelBase(source) {
  return source.token ? `api/shared/${id(source.token)}` : `api/models/${id(source.modelId)}`;
}

export const sharingApi = {
  // ---------- accounts ----------
  /** MeDto {id, email}; ApiError 401 when nobody is signed in. */
  me: () => request('GET', 'api/auth/me'),
  signIn: (email, password) => request('POST', 'api/auth/login?useCookies=true', { email, password }),
  register: (email, password) => request('POST', 'api/auth/register', { email, password }),
  signOut: () => request('POST', 'api/auth/logout', {}),

  // ---------- classes ----------
  listClasses: () => request('GET', 'api/classes'),
  getClass: (classId) => request('GET', `api/classes/${id(classId)}`),
  createClass: (name) => request('POST', 'api/classes', { name }),
  joinClass: (code) => request('POST', 'api/classes/join', { code }),
  leaveClass: (classId) => request('POST', `api/classes/${id(classId)}/leave`),
  rotateJoinCode: (classId) => request('POST', `api/classes/${id(classId)}/join-code`),
  removeMember: (classId, userId) => request('DELETE', `api/classes/${id(classId)}/members/${id(userId)}`),

  // ---------- gallery ----------
  /** {scope: mine|classes|public, classId?, type?, q?, sort?} → GalleryCardDto[] */
  gallery: (parameters) => request('GET', `api/gallery${query(parameters)}`),

  // ---------- model cards ----------
  getModel: (modelId) => request('GET', `api/models/${id(modelId)}`),
  getShared: (token) => request('GET', `api/shared/${id(token)}`),
  getJob: (jobId) => request('GET', `api/jobs/${id(jobId)}`),
  getSharedJob: (token) => request('GET', `api/shared/${id(token)}/job`),
  sharedImageUrl: (token, kind) => `api/shared/${id(token)}/images/${id(kind)}`,
  updateModel: (modelId, changes) => request('PATCH', `api/models/${id(modelId)}`, changes),
  deleteModel: (modelId) => request('DELETE', `api/models/${id(modelId)}`),
  setVisibility: (modelId, visibility, classIds) => request('PUT', `api/models/${id(modelId)}/visibility`, { visibility, classIds }),
  rotateShareLink: (modelId) => request('POST', `api/models/${id(modelId)}/share-link`),
  revokeShareLink: (modelId) => request('DELETE', `api/models/${id(modelId)}/share-link`),
  fork: (modelId, body) => request('POST', `api/models/${id(modelId)}/fork`, body),
  importModel: (formData) => request('POST', 'api/models/import', formData),

  // ---------- using a model: source is {modelId} or {token} ----------
  fileUrl: (source) => `${modelBase(source)}/file`,
  /** {width, height, pixels} → TryResultDto */
  tryDrawing: (source, body, signal) => request('POST', `${modelBase(source)}/try`, body, { signal }),
  /** FormData with 'file' → PNG of the patch reconstruction */
  tryImage: (source, formData, signal) => requestBlob('POST', `${modelBase(source)}/try-image`, formData, { signal }),
};

/** The message to show for a failed request: the ProblemDetails detail, else its field errors, else its title. */
export function problemText(error) {
  if (error instanceof ApiError) {
    if (error.problem?.detail) return error.problem.detail;
    const errors = Object.entries(error.errors ?? {});
    if (errors.length > 0) return errors.map(([field, messages]) => `${field}: ${[].concat(messages).join(' ')}`).join(' ');
    return error.problem?.title || error.message;
  }
  return String(error?.message ?? error);
}

/** The field errors of a 400 whose key starts with one of the prefixes (case-insensitive), as one string. */
export function fieldErrors(error, ...prefixes) {
  if (!(error instanceof ApiError)) return '';
  const lowered = prefixes.map((p) => p.toLowerCase());
  return Object.entries(error.errors ?? {})
    .filter(([field]) => lowered.some((p) => field.toLowerCase() === p || field.toLowerCase().startsWith(`${p}[`) || field.toLowerCase().startsWith(`${p}.`)))
    .flatMap(([, messages]) => [].concat(messages))
    .join(' ');
}

export const isAbort = (error) => error?.name === 'AbortError';
