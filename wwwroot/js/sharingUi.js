// Small pieces shared by the sign-in screen, the gallery, the model card and the classes page:
// labels for visibilities, the headline metric, and field errors next to their controls.

import { ApiError } from './http.js';
import { h } from './dom.js';
import { formatError } from './format.js';

export const VISIBILITY_LABELS = {
  Private: 'Private',
  Class: 'Shared with classes',
  Unlisted: 'Unlisted link',
  Public: 'Public',
};

export const visibilityLabel = (visibility) => VISIBILITY_LABELS[visibility] ?? visibility ?? 'Private';

export function visibilityTag(visibility, extra = {}) {
  return h('span', { class: 'vis-tag', dataset: { visibility: visibility ?? 'Private' }, ...extra }, visibilityLabel(visibility));
}

/** "test error 1.23 %", "reconstruction error 12.5", "AIS log-likelihood −86.2 nats"; null when there is no metric. */
export function metricText(name, value) {
  if (!name || value === null || value === undefined || !Number.isFinite(value)) return null;
  if (/test error/i.test(name)) return `${name} ${value.toFixed(2)} %`;
  if (/log-likelihood/i.test(name)) return `${name} ${value.toFixed(2)} nats`;
  return `${name} ${formatError(value)}`;
}

/** A field error paragraph wired to its control by aria-describedby. */
export function errorFor(control, testid) {
  const error = h('p', { class: 'field__error', id: `${control.id}-error`, role: 'alert', dataset: testid ? { testid } : undefined });
  const described = control.getAttribute('aria-describedby');
  control.setAttribute('aria-describedby', described ? `${described} ${error.id}` : error.id);
  return error;
}

/** Shows (or clears, with an empty message) an error beside a control. */
export function showFieldError(control, errorElement, message) {
  errorElement.textContent = message ?? '';
  if (!control) return;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  control.closest('.field')?.classList.toggle('field--invalid', Boolean(message));
}

/** ProblemDetails title and detail (for an error that belongs to no single control). */
export function problemNotice(error, testid) {
  const problem = error instanceof ApiError ? error.problem : null;
  const title = problem?.title && problem.title !== problem.detail ? problem.title : null;
  const detail = problem?.detail ?? (problem ? null : String(error?.message ?? error));
  const errors = error instanceof ApiError ? Object.entries(error.errors ?? {}) : [];
  return h('div', { class: 'notice notice--error', role: 'alert', dataset: testid ? { testid } : undefined },
    title ? h('strong', {}, title) : null,
    title && detail ? ' — ' : null,
    detail,
    !title && !detail && errors.length === 0 ? (problem?.title ?? error.message) : null,
    errors.length > 0 ? h('ul', {}, errors.map(([field, messages]) => h('li', {}, `${field}: ${[].concat(messages).join(' ')}`))) : null);
}

let uniqueCounter = 0;

/** An id unique within the page, for label/for pairs in rendered markup. */
export function uid(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}
