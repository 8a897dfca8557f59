// Assignments (issue 15): publish, start runs, submit, the class view and comments, over the one transport.

import { id, request } from './http.js';

export const assignmentsApi = {
  templates: () => request('GET', 'api/assignment-templates'),
  list: (classId) => request('GET', `api/classes/${id(classId)}/assignments`),
  create: (classId, body) => request('POST', `api/classes/${id(classId)}/assignments`, body),
  get: (assignmentId) => request('GET', `api/assignments/${id(assignmentId)}`),
  update: (assignmentId, body) => request('PUT', `api/assignments/${id(assignmentId)}`, body),
  startRun: (assignmentId, changes) => request('POST', `api/assignments/${id(assignmentId)}/runs`, changes),
  runs: (assignmentId) => request('GET', `api/assignments/${id(assignmentId)}/runs`),
  submit: (assignmentId, jobId) => request('PUT', `api/assignments/${id(assignmentId)}/submission`, { jobId }),
  classView: (assignmentId) => request('GET', `api/assignments/${id(assignmentId)}/class-view`),
  comment: (assignmentId, userId, text) => request('PUT', `api/assignments/${id(assignmentId)}/submissions/${id(userId)}/comment`, { text }),
  csvUrl: (assignmentId) => `api/assignments/${id(assignmentId)}/class-view.csv`,
  imageUrl: (assignmentId, userId, kind) => `api/assignments/${id(assignmentId)}/submissions/${id(userId)}/images/${id(kind)}`,
};
