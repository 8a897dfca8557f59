// The RBM kinds: "rbm" (digits or a user data set) and "rbm-patches" (patches of an image, Gaussian visibles).
// Both are composed on the home page's form and shown live by JobView.

import { formatClasses, formatError } from '../format.js';
import { JobView } from '../jobView.js';

const jobView = { create: () => new JobView(document.getElementById('job-view')) };

const CONTINUE = { mode: 'continue', label: 'Continue training', hint: 'same hyperparameters, more epochs, starting from these weights' };

function describeJob(job, what) {
  const rbm = job.rbm ?? {};
  return [`${rbm.hiddenUnits ?? '?'} hidden`, rbm.visibleType === 'Gaussian' ? 'Gaussian' : null, ...what, rbm.epochs ? `${rbm.epochs} epochs` : '']
    .filter(Boolean).join(' · ');
}

function describeModel(model) {
  return [
    `${model.visibleUnits ?? '?'} → ${model.hiddenUnits ?? '?'} units`,
    `${model.imageWidth ?? '?'}×${model.imageHeight ?? '?'} px`,
    model.patches ? `patches of ${model.patches.spec?.trainImage ?? 'an image'}`
      : model.data?.dataset === 'user' ? 'my data set' : `digits ${formatClasses(model.data?.classes)}`,
    `error ${formatError(model.reconstructionError)}`,
  ];
}

const family = {
  formPage: '#/',
  jobView,
  describeModel,
  hasUnits: true,
};

export const rbmKind = {
  ...family,
  kind: 'rbm',
  label: 'RBM',
  title: 'RBM',
  reconstructsDigits: true,
  describeJob(job) {
    const data = job.data ?? {};
    const size = data.imageSize ? `${data.imageSize}×${data.imageSize}` : '';
    return describeJob(job, data.dataset === 'user' ? ['my data set'] : [`digits ${formatClasses(data.classes)}`, size]);
  },
  modelImages: () => [['filters', 'Filters (one tile per hidden unit)'], ['reconstructions', 'Held-out digits and their reconstructions']],
  forkModes: [
    CONTINUE,
    { mode: 'dbnFirstLayer', label: 'Use as the first layer of a DBN', hint: 'a deep belief net whose first layer is this RBM (not re-trained)' },
  ],
  tryIt: { input: 'drawing', reconstructs: true },
};

export const rbmPatchesKind = {
  ...family,
  kind: 'rbm-patches',
  label: 'RBM (image patches)',
  title: 'RBM on image patches',
  reconstructsDigits: false,
  extraEvaluation: 'the patch reconstruction of the test image',
  describeJob: (job) => describeJob(job, [`${job.patches?.patchSize ?? '?'}×${job.patches?.patchSize ?? '?'} patches of ${job.patches?.trainImage ?? '?'}`]),
  modelImages: () => [['filters', 'Filters']],
  forkModes: [CONTINUE],
  tryIt: { input: 'image', reconstructs: true },
};
