// The "cnn" kind: composed on #/cnn, shown live by CnnJobView.

import { CnnJobView } from '../cnnJobView.js';
import { classifierModelLine, imageSizeOf, sourceOf } from './classifier.js';

export const cnnKind = {
  kind: 'cnn',
  label: 'CNN',
  title: 'CNN',
  formPage: '#/cnn',
  jobView: { create: () => new CnnJobView(document.getElementById('cnn-job-view')) },
  describeJob(job) {
    const net = job.cnn?.layers ? `${job.cnn.layers.length} layers` : (job.cnn?.preset ?? 'small');
    return ['CNN', net, job.cnn?.optimizer, job.cnn?.epochs ? `${job.cnn.epochs} epochs` : null, sourceOf(job.data), imageSizeOf(job.data)].filter(Boolean).join(' · ');
  },
  describeModel: (model) => classifierModelLine('CNN', model),
  modelImages: () => [['filters-1', 'First-layer kernels'], ['feature-maps', 'Feature maps of a test digit'], ['confusion', 'Confusion matrix']],
  forkModes: [],
  // A classifier that does not reconstruct shows the class probabilities only.
  tryIt: { input: 'drawing', reconstructs: false },
};
