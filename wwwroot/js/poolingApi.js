// HTTP calls of the pooling playground (POST /api/pooling/matrix and /api/pooling/image), with the same
// ProblemDetails handling as api.js; requests can be aborted when a newer one supersedes them.

import { ApiError } from './api.js';

async function send(url, body, signal) {
  const init = { method: 'POST', headers: { Accept: 'application/json, application/problem+json' }, signal };
  if (body instanceof FormData) {
    init.body = body; // the browser sets multipart/form-data with its boundary
  } else {
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

async function request(url, body, signal) {
  const response = await send(url, body, signal);
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

export const poolingApi = {
  /** {values, mode, window, stride} → {values, mode, window, stride, inputRows, inputCols, outputRows, outputCols, steps} */
  poolMatrix: (body, signal) => request('api/pooling/matrix', body, signal),
  /**
   * {image, resize?, mode, window, stride} as JSON, or FormData with 'file' and the same fields →
   * {inputWidth, inputHeight, outputWidth, outputHeight, inputPng, outputPng (base64), ...}
   */
  poolImage: (body, signal) => request('api/pooling/image?format=json', body, signal),
};

/** The message to show for a failed request: the ProblemDetails detail, else its title, else the error's text. */
export function problemMessage(error) {
  if (error instanceof ApiError) {
    const errors = Object.entries(error.errors ?? {});
    if (error.problem?.detail) return error.problem.detail;
    if (errors.length > 0) return errors.map(([field, messages]) => `${field}: ${[].concat(messages).join(' ')}`).join(' ');
    return error.problem?.title || error.message;
  }
  return String(error?.message ?? error);
}

/** True for the rejection of a request that was aborted on purpose. */
export const isAbort = (error) => error?.name === 'AbortError';
