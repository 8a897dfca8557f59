// The "dbn" kind: composed on #/dbn, shown live by DbnJobView.

import { DbnJobView } from '../dbnJobView.js';
import { classifierModelLine, imageSizeOf, sourceOf } from './classifier.js';

export const dbnKind = {
  kind: 'dbn',
  label: 'DBN',
  title: 'DBN',
  formPage: '#/dbn',
  jobView: { create: () => new DbnJobView(document.getElementById('dbn-job-view')) },
  describeJob(job) {
    const layers = (job.dbn?.layers ?? []).map((l) => l.hiddenUnits).join('-');
    return ['DBN', layers, job.dbn?.pretraining ? `${job.dbn.pretraining} pre-training` : null, job.dbn?.fineTuning, sourceOf(job.data), imageSizeOf(job.data)]
      .filter(Boolean).join(' · ');
  },
  describeModel: (model) => classifierModelLine('DBN', model),
  modelImages: (model) => [['filters', 'Layer 1 filters'], ...(model.testError !== null && model.testError !== undefined ? [['confusion', 'Confusion matrix']] : [])],
  forkModes: [{ mode: 'fineTune', label: 'Fine-tune', hint: 'global supervised fine-tuning of all layers, starting from these weights' }],
  tryIt: { input: 'drawing', reconstructs: true },
};
