// The update rule's endpoints (POST /api/stepper/rbm and /api/stepper/convolution), over the one transport.

import { request } from './http.js';

export const stepperApi = {
  /** {visible, hidden, learningRate, seed, initialWeightStdDev} → every intermediate of one CD-1 update (RbmStepResponse). */
  rbm: (body) => request('POST', 'api/stepper/rbm', body),
  /** {input, kernel} → {output, steps: [{row, col, terms, sum}]} */
  convolution: (body) => request('POST', 'api/stepper/convolution', body),
};
