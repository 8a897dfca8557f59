// The pooling playground's endpoints (POST /api/pooling/matrix and /api/pooling/image), over the one transport;
// requests take an AbortSignal so a newer one can supersede them.

import { request } from './http.js';

export const poolingApi = {
  /** {values, mode, window, stride} → {values, mode, window, stride, inputRows, inputCols, outputRows, outputCols, steps} */
  poolMatrix: (body, signal) => request('POST', 'api/pooling/matrix', body, { signal }),
  /**
   * {image, resize?, mode, window, stride} as JSON, or FormData with 'file' and the same fields →
   * {inputWidth, inputHeight, outputWidth, outputHeight, inputPng, outputPng (base64), ...}
   */
  poolImage: (body, signal) => request('POST', 'api/pooling/image?format=json', body, { signal }),
};
