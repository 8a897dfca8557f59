// The endpoints of accounts, classes, the gallery, model cards and sharing (issue 6), over the one transport.
// Requests can carry an AbortSignal (the "Try it" panel drops superseded requests).

import { id, query, request, requestBlob } from './http.js';

/** Where a model's card, file and "try" live: by id for signed-in readers, by token for an unlisted link. */
export function modelBase(source) {
  return source.token ? `api/shared/${id(source.token)}` : `api/models/${id(source.modelId)}`;
}

export const sharingApi = {
  // ---------- accounts ----------
  /** MeDto {id, email, displayName}; ApiError 401 when nobody is signed in. */
  me: () => request('GET', 'api/auth/me'),
  /** → MeDto; 400 naming displayName when refused. */
  updateMe: (displayName) => request('PATCH', 'api/auth/me', { displayName }),
  signIn: (email, password) => request('POST', 'api/auth/login?useCookies=true', { email, password }),
  /** 200 for a new and a taken address alike (nothing tells them apart); 400 for the request's own faults. */
  register: (email, password, displayName) => request('POST', 'api/auth/register', { email, password, displayName }),
  signOut: () => request('POST', 'api/auth/logout', {}),
  /** StorageDto {quotaBytes, usedBytes, modelBytes, datasetBytes, imageBytes, checkpointBytes, jobImageBytes, reservedBytes}. */
  storage: (options) => request('GET', 'api/storage', undefined, options),

  // ---------- classes ----------
  listClasses: () => request('GET', 'api/classes'),
  getClass: (classId) => request('GET', `api/classes/${id(classId)}`),
  createClass: (name) => request('POST', 'api/classes', { name }),
  joinClass: (code) => request('POST', 'api/classes/join', { code }),
  leaveClass: (classId) => request('POST', `api/classes/${id(classId)}/leave`),
  rotateJoinCode: (classId) => request('POST', `api/classes/${id(classId)}/join-code`),
  removeMember: (classId, userId) => request('DELETE', `api/classes/${id(classId)}/members/${id(userId)}`),
  /** ClassQueueDto {jobs: [{jobId, name, kind, owner, status, position, estimatedStartAt, startedAt, estimatedRunSeconds}]}; instructors only. */
  classQueue: (classId) => request('GET', `api/classes/${id(classId)}/queue`),

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
