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

async function request(method, url, body) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    throw new ApiError(0, { title: 'The server cannot be reached. Is DeepNet.Server running?', detail: String(cause?.message ?? cause) });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { title: text.slice(0, 300) };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
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
};
