// The home page (#/): the RBM training form with its presets, the latest jobs and the latest models (the Jobs and
// My models pages list them all).

import { mountMarkup } from './dom.js';
import { JobForm, RBM_PRESETS } from './jobForm.js';
import { JobList } from './jobList.js';
import { HOME_MARKUP } from './markup/homeMarkup.js';
import { ModelList } from './modelList.js';

export class HomePage {
  #root;
  jobList;
  modelList;
  jobForm;

  constructor(root) {
    this.#root = root;
    mountMarkup(root, HOME_MARKUP);
    const byId = (id) => root.querySelector(`#${id}`);
    this.jobList = new JobList(byId('jobs-list'));
    this.modelList = new ModelList(byId('models-list'), { pageSize: 10 });
    this.jobForm = new JobForm(byId('job-form'), {
      onSubmitted: (job) => {
        this.jobList.upsert(job);
        location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
      },
    });
    byId('preset-homework1').addEventListener('click', () => this.jobForm.applyPreset(RBM_PRESETS.homework1));
    byId('preset-homework2').addEventListener('click', () => this.jobForm.applyPreset(RBM_PRESETS.homework2));
    byId('preset-lecture').addEventListener('click', () => this.jobForm.applyPreset(RBM_PRESETS.lecture));
    byId('refresh-jobs').addEventListener('click', () => this.jobList.load());
    byId('refresh-models').addEventListener('click', () => this.modelList.load());
  }

  show(path, { focus }) {
    this.#root.hidden = false;
    this.jobForm.refreshSources();
    window.scrollTo(0, 0);
    if (focus) this.#root.querySelector('#form-heading').focus({ preventScroll: true });
  }

  hide() {
    this.#root.hidden = true;
  }
}
