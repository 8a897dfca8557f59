// Thin fetch wrapper for the DeepNetService HTTP API (see the team contract).
// URLs are relative so the UI also works behind a path base.

/** An HTTP error carrying the RFC 7807 ProblemDetails body (errors keyed by field for 400s). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed with HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem ?? {};
    this.errors = problem?.errors ?? {};
  }
}

async function send(method, url, body, accept = 'application/json, application/problem+json') {
  const init = { method, headers: { Accept: accept } };
  if (body instanceof FormData) {
    init.body = body; // the browser sets multipart/form-data with its boundary
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(url, init);
  } catch (cause) {
    throw new ApiError(0, { title: 'The server cannot be reached. Is DeepNet.Server running?', detail: String(cause?.message ?? cause) });
  }
}

async function problemOf(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 300) };
  }
}

/** A 401 outside /api/auth means the session ended (signed out elsewhere, cookie expired): app.js shows the sign-in screen. */
export function noteUnauthorized(status, url) {
  if (status === 401 && !String(url).startsWith('api/auth/')) window.dispatchEvent(new CustomEvent('deepnet:unauthorized'));
}

async function request(method, url, body) {
  const response = await send(method, url, body);
  const data = await problemOf(response);
  if (!response.ok) {
    noteUnauthorized(response.status, url);
    throw new ApiError(response.status, data);
  }
  return data;
}

/** For endpoints that answer with an image: the Blob on success, ApiError (ProblemDetails) otherwise. */
async function requestBlob(method, url, body) {
  const response = await send(method, url, body, 'image/png, application/problem+json');
  if (!response.ok) {
    noteUnauthorized(response.status, url);
    throw new ApiError(response.status, await problemOf(response));
  }
  return response.blob();
}

const id = (value) => encodeURIComponent(value);

export const api = {
  listJobs: () => request('GET', 'api/jobs'),
  getJob: (jobId) => request('GET', `api/jobs/${id(jobId)}`),
  submitJob: (job) => request('POST', 'api/jobs', job),
  cancelJob: (jobId) => request('POST', `api/jobs/${id(jobId)}/cancel`),
  listModels: () => request('GET', 'api/models'),
  imageUrl: (jobId, kind) => `api/jobs/${id(jobId)}/images/${id(kind)}`,
  modelFileUrl: (modelId) => `api/models/${id(modelId)}/file`,
  listImages: () => request('GET', 'api/images'),
  uploadImage: (formData) => request('POST', 'api/images', formData),
  deleteImage: (imageId) => request('DELETE', `api/images/${id(imageId)}`),
  listDatasets: () => request('GET', 'api/datasets'),
  uploadDataset: (formData) => request('POST', 'api/datasets', formData),
  deleteDataset: (datasetId) => request('DELETE', `api/datasets/${id(datasetId)}`),
  featureMaps: (body) => requestBlob('POST', 'api/demos/feature-maps', body),
  experimentDefinitions: () => request('GET', 'api/experiments/definitions'),
  listExperiments: () => request('GET', 'api/experiments'),
  getExperiment: (experimentId) => request('GET', `api/experiments/${id(experimentId)}`),
  startExperiment: (body) => request('POST', 'api/experiments', body),
  cancelExperiment: (experimentId) => request('POST', `api/experiments/${id(experimentId)}/cancel`),
  /** Server URLs may be absolute ("/api/...") — make them relative so a path base still works. */
  relative: (url) => (typeof url === 'string' ? url.replace(/^\/(?!\/)/, '') : url),
};
