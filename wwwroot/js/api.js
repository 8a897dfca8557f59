// The training API's endpoints (jobs, models, images, data sets, demos, experiments), over the one transport.

import { id, query, relative, request, requestBlob, requestPage } from './http.js';

export const api = {
  /** The first page of job summaries, newest first: filters { kind, status, experiment, q, pageSize }. */
  listJobs: (filters = {}) => request('GET', `api/jobs${query(filters)}`),
  /** One page of job summaries: filters { kind, status, experiment, q, page, pageSize } → { items, total }. */
  jobsPage: (filters, options) => requestPage(`api/jobs${query(filters)}`, options),
  getJob: (jobId) => request('GET', `api/jobs/${id(jobId)}`),
  submitJob: (job) => request('POST', 'api/jobs', job),
  cancelJob: (jobId) => request('POST', `api/jobs/${id(jobId)}/cancel`),
  /** DELETE /api/jobs/{id}: a finished job of the caller, with all it stored but its model. */
  deleteJob: (jobId) => request('DELETE', `api/jobs/${id(jobId)}`),
  imageUrl: (jobId, kind) => `api/jobs/${id(jobId)}/images/${id(kind)}`,
  jobImage: (jobId, kind) => requestBlob('GET', `api/jobs/${id(jobId)}/images/${id(kind)}`),
  /** The feature maps of test image index through every convolution layer of a CNN job. */
  featureMapsOfJob: (jobId, index) => request('GET', `api/jobs/${id(jobId)}/feature-maps${query({ index })}`),
  listModels: () => request('GET', 'api/models'),
  /** One page of the caller's models: { page, pageSize } → { items, total }. */
  modelsPage: (paging, options) => requestPage(`api/models${query(paging)}`, options),
  getModel: (modelId) => request('GET', `api/models/${id(modelId)}`),
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
  /** GET /api/limits: the published bounds and defaults of the job request's fields. */
  limits: () => request('GET', 'api/limits'),
  relative,
};
