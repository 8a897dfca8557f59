// The home page (#/, #/jobs, #/models): the RBM training form with its presets, the job list and the models
// list with the model import. "#/jobs" and "#/models" scroll to their list.

import { mountMarkup } from './dom.js';
import { JobForm, RBM_PRESETS } from './jobForm.js';
import { JobList } from './jobList.js';
import { HOME_MARKUP } from './markup/homeMarkup.js';
import { ModelImport } from './modelImport.js';
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
    this.modelList = new ModelList(byId('models-list'));
    this.jobForm = new JobForm(byId('job-form'), {
      onSubmitted: (job) => {
        this.jobList.upsert(job);
        location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
      },
    });
    new ModelImport(byId('model-import'), {
      onImported: (model) => {
        this.modelList.load();
        location.hash = `#/models/${encodeURIComponent(model.id)}`;
      },
    });
    byId('preset-homework1').addEventListener('click', () => this.jobForm.applyPreset(RBM_PRESETS.homework1));
    byId('preset-homework2').addEventListener('click', () => this.jobForm.applyPreset(RBM_PRESETS.homework2));
    byId('preset-lecture').addEventListener('click', () => this.jobForm.applyPreset(RBM_PRESETS.lecture));
    byId('refresh-jobs').addEventListener('click', () => this.jobList.load());
    byId('refresh-models').addEventListener('click', () => this.modelList.load());
  }

  /** The nav entry of a hash of this page. */
  static section(hash) {
    return hash.startsWith('#/models') ? 'models' : hash.startsWith('#/jobs') ? 'jobs' : 'home';
  }

  show(path, { hash, focus }) {
    this.#root.hidden = false;
    this.jobForm.refreshSources();
    const section = HomePage.section(hash);
    const heading = this.#root.querySelector(section === 'home' ? '#form-heading' : `#${section}-heading`);
    if (section === 'home') window.scrollTo(0, 0);
    else heading.scrollIntoView({ block: 'start' });
    if (focus) heading.focus({ preventScroll: true });
  }

  hide() {
    this.#root.hidden = true;
  }
}
