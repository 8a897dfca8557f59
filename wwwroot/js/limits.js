// The bounds and defaults of the job request's fields, as the server publishes them (GET /api/limits), so the
// forms repeat no number. Inputs name their request field in data-limit ("rbm.hiddenUnits",
// "dbn.layers[].epochs") or, in the RBM form, in name. Without the endpoint the inputs stay unbounded and empty:
// an empty field is omitted from the request and takes the server's default.

import { api } from './api.js';

let fields = null;

/** The published limits by field path ({} when the server does not publish them); fetched once. */
export function loadLimits() {
  fields ??= api.limits().then((answer) => answer?.fields ?? {}).catch(() => ({}));
  return fields;
}

/** The limit of one field, once loaded (undefined when unknown). */
export async function limitOf(path) {
  return (await loadLimits())[path];
}

/** "1–4096", "(0, 10]", "≥ 0"; '' when the field has no bounds. */
export function rangeText(limit) {
  if (!limit || (limit.min == null && limit.max == null)) return '';
  if (limit.min != null && limit.max != null) {
    if (!limit.minExclusive && !limit.maxExclusive) return `${limit.min}–${limit.max}`;
    return `${limit.minExclusive ? '(' : '['}${limit.min}, ${limit.max}${limit.maxExclusive ? ')' : ']'}`;
  }
  return limit.min != null ? `${limit.minExclusive ? '>' : '≥'} ${limit.min}` : `${limit.maxExclusive ? '<' : '≤'} ${limit.max}`;
}

/**
 * Sets min, max, step and the default value of a number input from its field's limit. The default becomes the
 * input's defaultValue (form.reset() goes back to it) and its value unless the student already typed one.
 */
export function applyLimit(input, limit, { defaults = true } = {}) {
  if (!limit || input.type !== 'number') return;
  if (limit.min != null) input.min = String(limit.min);
  if (limit.max != null) input.max = String(limit.max);
  input.step = limit.integer ? '1' : 'any';
  if (defaults && typeof limit.default === 'number') {
    const typed = input.value !== input.defaultValue;
    input.defaultValue = String(limit.default);
    if (!typed) input.value = input.defaultValue;
  }
  const range = rangeText(limit);
  if (range && !input.title) input.title = `Allowed: ${range}`;
}

/**
 * Applies the limits to every number input under root that names its field (data-limit, else name), and writes
 * the range of a field into every element with data-range-of="<field>" (the hints next to the inputs), followed by
 * its data-range-then separator.
 * defaults: false where the values come from elsewhere (a preset fills the form).
 */
export async function applyLimits(root, { defaults = true } = {}) {
  const limits = await loadLimits();
  for (const input of root.querySelectorAll('input[type=number]')) {
    applyLimit(input, limits[input.dataset.limit ?? input.name], { defaults });
  }
  for (const hint of root.querySelectorAll('[data-range-of]')) {
    const range = rangeText(limits[hint.dataset.rangeOf]);
    hint.textContent = range ? `${range}${hint.dataset.rangeThen ?? ''}` : '';
  }
}
