// How a model card states a model's facts: its hyperparameters and data as definition lists, and the ModelDto
// flattened so the card reads one shape whatever the kind.

import { h } from './dom.js';
import { formatClasses, formatError } from './format.js';

/** "hiddenUnits" → "hidden units" */
const words = (key) => String(key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();

function valueText(value) {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatError(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return value.map(valueText).join(', ') || '–';
    return value.map((v, i) => `${i + 1}: ${valueText(v)}`).join('; ');
  }
  if (typeof value === 'object') {
    return Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${words(k)} ${valueText(v)}`).join(', ');
  }
  return String(value);
}

/** A definition list of an object's fields; nested objects and arrays become one line each. */
export function describe(object, testid) {
  const rows = Object.entries(object ?? {}).filter(([, v]) => v !== null && v !== undefined);
  if (rows.length === 0) return h('p', { class: 'empty' }, 'Not recorded.');
  return h('dl', { class: 'settings', dataset: testid ? { testid } : undefined },
    rows.flatMap(([key, value]) => [h('dt', {}, words(key)), h('dd', {}, valueText(value))]));
}

export function dataSummary(model) {
  const data = model.data ?? {};
  const rows = {};
  if (model.patches?.spec) {
    const p = model.patches.spec;
    rows['train image'] = p.trainImage;
    rows['test image'] = p.testImage;
    rows['patch size'] = `${p.patchSize}×${p.patchSize}`;
    rows.patches = p.patchCount;
    rows.standardization = `${p.standardization}${p.zca ? ' + ZCA' : ''}`;
  } else {
    rows['data set'] = data.dataset === 'user' ? `my data set${data.datasetId ? ` ${data.datasetId}` : ''}` : (data.dataset ?? 'mnist').toUpperCase();
    if (data.split) rows.split = data.split;
    rows.digits = formatClasses(data.classes);
    rows.limit = data.limit ?? 'all';
    rows.binarized = data.binarizeThreshold === null || data.binarizeThreshold === undefined ? 'no (grayscale)' : `at ${data.binarizeThreshold}`;
  }
  rows['image size'] = model.imageWidth && model.imageHeight ? `${model.imageWidth}×${model.imageHeight} px` : null;
  rows['visible units'] = model.visibleUnits;
  return rows;
}

/** The model card with its sharing part (ModelDto.sharing: owner, visibility, classIds, description…) on top level. */
export function flatten(model) {
  return model?.sharing ? { ...model, ...model.sharing } : model;
}
