// The one place that knows the job kinds by name. Everything else asks kindOf(job.kind) for what it needs:
// labels, the job list and models list lines, the page that composes such a job, the view that shows one live,
// the images a model card shows, fork modes and the "Try it" panel. A new kind is one module under kinds/
// and one line in KINDS below.

import { cnnKind } from './kinds/cnn.js';
import { dbnKind } from './kinds/dbn.js';
import { rbmKind, rbmPatchesKind } from './kinds/rbm.js';

const KINDS = [rbmKind, rbmPatchesKind, dbnKind, cnnKind];

const byName = new Map(KINDS.map((descriptor) => [descriptor.kind, descriptor]));

/** What the UI knows of a kind it has no module for (a newer server): a label and nothing to render. */
function unknownKind(kind) {
  return {
    kind,
    label: String(kind ?? 'model').toUpperCase(),
    describeJob: () => String(kind ?? ''),
    describeModel: () => [],
    modelImages: () => [],
    forkModes: [],
    jobView: null,
  };
}

/** The descriptor of a job or model kind ("rbm", "rbm-patches", "dbn", "cnn"). */
export const kindOf = (kind) => byName.get(kind) ?? unknownKind(kind);

/** Every registered kind, in menu order. */
export const allKinds = () => KINDS;

export const kindLabel = (kind) => kindOf(kind).label;

const views = new Map(); // a job view (shared by kinds that show jobs alike) → its instance

/** The view that shows one job of the kind, created on first use (null for an unknown kind). */
export function jobViewOf(kind) {
  const view = kindOf(kind).jobView;
  if (!view) return null;
  if (!views.has(view)) views.set(view, view.create());
  return views.get(view);
}

/** The job views created so far (the router hides them all but one). */
export const createdJobViews = () => [...views.values()];
