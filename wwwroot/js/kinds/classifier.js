// Lines shared by the classifier kinds (DBN, CNN): what they were trained on and their models list line.

import { formatClasses } from '../format.js';

/** "my data set" or "digits 0–9". */
export const sourceOf = (data) => (data?.dataset === 'user' ? 'my data set' : `digits ${formatClasses(data?.classes)}`);

/** "16×16" from the job's data spec ('' when it has none). */
export const imageSizeOf = (data) => (data?.imageSize ? `${data.imageSize}×${data.imageSize}` : '');

/** The models list line of a classifier: architecture, image size, data, test error. */
export function classifierModelLine(label, model) {
  return [
    `${label} ${model.architecture ?? ''}`.trim(),
    `${model.imageWidth ?? '?'}×${model.imageHeight ?? '?'} px`,
    sourceOf(model.data),
    model.testError !== null && model.testError !== undefined ? `test error ${model.testError.toFixed(2)} %` : null,
  ];
}
