// Compare runs (GET /api/compare), over the one transport.

import { request } from './http.js';

export const compareApi = {
  /** ids: 2–8 job ids → {runs: [JobDto], differences: [{setting, values}]}; 404 when one run is not the caller's to read. */
  compare: (ids) => request('GET', `api/compare?jobs=${ids.map(encodeURIComponent).join(',')}`),
};
