// Tables that run one job per row (the Bengio 2007 table, the lecture's MNIST table).
//   #/experiments        the tables that can be run, and the runs started so far
//   #/experiments/{id}   one run: rows fill in live (StatusChanged from the hub, plus a poll while rows train)

import { api } from './api.js';
import { h, statusBadge } from './dom.js';
import { formatDate, formatDuration, isTerminal } from './format.js';
import { live } from './live.js';

const POLL_INTERVAL_MS = 2000;

/** Percent with two decimals, or a dash. */
/** An estimate as a duration; the server's estimates of quick rows can be well under a second. */
function estimated(seconds) {
  return Number.isFinite(seconds) && seconds < 1 ? 'under a second' : formatDuration(seconds);
}

function percent(value) {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(2)} %`;
}

export class ExperimentsPage {
  #root;
  #experimentId = null;
  #pollTimer = 0;
  #unsubscribe = null;
  #loading = false;

  constructor(root) {
    this.#root = root;
  }

  show(path) {
    this.#root.hidden = false;
    this.#stop();
    const match = /^\/([^/?#]+)/.exec(path ?? '');
    if (match) {
      this.#experimentId = decodeURIComponent(match[1]);
      this.#renderRunShell();
      this.#unsubscribe = live.on('StatusChanged', () => this.#refresh());
      this.#refresh();
    } else {
      this.#experimentId = null;
      this.#renderIndex();
    }
  }

  hide() {
    this.#root.hidden = true;
    this.#stop();
  }

  #stop() {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = 0;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  // ---------- index: definitions and started runs ----------

  async #renderIndex() {
    const definitions = h('div', { class: 'experiment-definitions', 'aria-busy': 'true', dataset: { testid: 'experiment-definitions' } });
    const runs = h('div', { 'aria-busy': 'true', dataset: { testid: 'experiment-runs' } });
    this.#root.replaceChildren(
      h('h1', { id: 'experiments-heading', tabindex: '-1' }, 'Tables'),
      h('p', { class: 'lead' }, 'Each table trains one job per row on MNIST and shows our error beside the published one. Rows run one after another in the job queue; open a row to watch it train.'),
      h('section', { class: 'card', 'aria-labelledby': 'definitions-heading' }, h('h2', { id: 'definitions-heading' }, 'Run a table'), definitions),
      h('section', { class: 'card', 'aria-labelledby': 'runs-heading' }, h('h2', { id: 'runs-heading' }, 'Started tables'), runs),
    );
    try {
      const [defs, started] = await Promise.all([api.experimentDefinitions(), api.listExperiments()]);
      definitions.replaceChildren(...(defs ?? []).map((d) => this.#definitionCard(d)));
      if (!defs?.length) definitions.append(h('p', { class: 'empty' }, 'No tables are defined on this server.'));
      runs.replaceChildren(started?.length
        ? h('ul', { class: 'items' }, started.map((e) => h('li', { dataset: { testid: 'experiment-run' } },
          h('a', { href: `#/experiments/${encodeURIComponent(e.id)}` }, e.name),
          ` · ${e.scale} · ${formatDate(e.createdAt)} · `,
          `${e.rows.filter((r) => r.status === 'Succeeded').length}/${e.rows.length} rows done`)))
        : h('p', { class: 'empty' }, 'None yet.'));
    } catch (error) {
      definitions.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not load the tables: ${error.message}`));
    } finally {
      definitions.setAttribute('aria-busy', 'false');
      runs.setAttribute('aria-busy', 'false');
    }
  }

  #definitionCard(definition) {
    const status = h('p', { class: 'form-status', role: 'status' });
    const scales = Object.fromEntries((definition.scales ?? []).map((s) => [s.scale, s]));
    const labels = Object.fromEntries(definition.rows.map((r) => [r.key, r]));
    const start = async (scale, button) => {
      button.disabled = true;
      status.textContent = 'Starting…';
      try {
        const experiment = await api.startExperiment({ kind: definition.kind, scale });
        location.hash = `#/experiments/${encodeURIComponent(experiment.id)}`;
      } catch (error) {
        status.textContent = `Could not start: ${error.message}`;
        button.disabled = false;
      }
    };

    // The rows as they would train at the chosen scale: what the quick version really runs is not the published setting.
    const body = h('tbody', {});
    const estimate = h('p', { class: 'experiment-estimate', dataset: { testid: `estimate-${definition.kind}` } });
    const showScale = (scale) => {
      const plan = scales[scale];
      body.replaceChildren(...(plan?.rows ?? []).map((row) => h('tr', { dataset: { testid: 'definition-row', key: row.key } },
        h('th', { scope: 'row' }, labels[row.key]?.label ?? row.key),
        h('td', { dataset: { testid: 'row-architecture' } }, row.setting.architecture),
        h('td', { dataset: { testid: 'row-epochs' } }, row.setting.epochs),
        h('td', { class: 'num' }, percent(labels[row.key]?.publishedTestError)),
        h('td', { class: 'source' }, labels[row.key]?.source ?? ''))));
      const data = plan?.rows?.[0]?.setting.data;
      estimate.textContent = plan
        ? `${scale === 'full' ? 'Full scale' : 'Quick scale'}: ${data ?? ''}. Estimated run time of the whole table: ${estimated(plan.estimatedRunSeconds)} (rows run one after another).`
        : '';
    };
    const scaleChoice = h('fieldset', { class: 'experiment-scale' },
      h('legend', {}, 'Show the rows at'),
      ['quick', 'full'].map((scale) => h('label', { class: 'check' },
        h('input', { type: 'radio', name: `scale-${definition.kind}`, value: scale, checked: scale === 'quick', dataset: { testid: `scale-${definition.kind}-${scale}` }, onchange: () => showScale(scale) }),
        ` ${scale === 'quick' ? 'quick scale' : 'full scale'}`)));
    showScale('quick');

    // A full table runs for a long time on a shared server: say how long before queueing it.
    const confirmFull = h('div', { class: 'notice experiment-confirm', role: 'alertdialog', 'aria-labelledby': `confirm-${definition.kind}-text`, hidden: true, dataset: { testid: `confirm-${definition.kind}` } });
    const full = h('button', { type: 'button', class: 'button', dataset: { testid: `start-${definition.kind}-full` } }, 'Run on full MNIST…');
    const quick = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: `start-${definition.kind}-quick` } }, 'Quick version');
    full.addEventListener('click', () => {
      const plan = scales.full;
      scaleChoice.querySelector('input[value=full]').checked = true;
      showScale('full');
      const go = h('button', { type: 'button', class: 'button', dataset: { testid: `confirm-${definition.kind}-full` } }, 'Start the full table');
      const keep = h('button', { type: 'button', class: 'button button--secondary' }, 'Not now');
      go.addEventListener('click', () => start('full', go));
      keep.addEventListener('click', () => { confirmFull.hidden = true; full.focus(); });
      confirmFull.replaceChildren(
        h('p', { id: `confirm-${definition.kind}-text` },
          `The full table queues ${plan?.rows?.length ?? definition.rows.length} jobs on all of MNIST. The server estimates `,
          h('strong', { dataset: { testid: `confirm-${definition.kind}-duration` } }, estimated(plan?.estimatedRunSeconds)),
          ' for the whole table, and your other jobs wait behind its rows. Start it?'),
        h('div', { class: 'actions' }, go, keep));
      confirmFull.hidden = false;
      go.focus();
    });
    quick.addEventListener('click', () => start('quick', quick));
    return h('article', { class: 'experiment-definition', dataset: { kind: definition.kind } },
      h('h3', {}, definition.title),
      h('p', {}, definition.description),
      scaleChoice,
      h('div', { class: 'table-scroll' }, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Row', 'Architecture', 'Epochs', 'Published test error', 'Source'].map((c) => h('th', { scope: 'col' }, c)))),
        body)),
      estimate,
      h('div', { class: 'actions' }, full, quick),
      confirmFull,
      status);
  }

  // ---------- one run ----------

  #renderRunShell() {
    this.#root.replaceChildren(
      h('p', {}, h('a', { href: '#/experiments' }, '← All tables')),
      h('h1', { id: 'experiments-heading', tabindex: '-1', dataset: { testid: 'experiment-title' } }, 'Loading…'),
      h('p', { id: 'experiment-meta', class: 'lead' }),
      h('div', { id: 'experiment-table', 'aria-busy': 'true', 'aria-live': 'polite' }),
      h('div', { class: 'actions' },
        h('a', { id: 'experiment-json', class: 'button button--secondary', href: api.relative(`/api/experiments/${encodeURIComponent(this.#experimentId)}`) }, 'JSON'),
        h('button', { id: 'experiment-cancel', type: 'button', class: 'button button--danger', hidden: true, onclick: () => this.#cancel() }, 'Cancel unfinished rows')),
    );
  }

  async #refresh() {
    if (!this.#experimentId || this.#loading) return;
    this.#loading = true;
    const id = this.#experimentId;
    try {
      const experiment = await api.getExperiment(id);
      if (id !== this.#experimentId) return;
      this.#renderRun(experiment);
      clearTimeout(this.#pollTimer);
      if (!experiment.finished) this.#pollTimer = setTimeout(() => this.#refresh(), POLL_INTERVAL_MS);
    } catch (error) {
      const table = this.#root.querySelector('#experiment-table');
      table?.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' }, error.status === 404 ? 'This table does not exist.' : `Could not load the table: ${error.message}`));
    } finally {
      this.#loading = false;
      this.#root.querySelector('#experiment-table')?.setAttribute('aria-busy', 'false');
    }
  }

  #renderRun(experiment) {
    document.title = `${experiment.name} · DeepNetService`;
    this.#root.querySelector('#experiments-heading').textContent = experiment.name;
    this.#root.querySelector('#experiment-meta').textContent =
      `${experiment.description} Scale: ${experiment.scale}. Started ${formatDate(experiment.createdAt)}.`;
    const table = this.#root.querySelector('#experiment-table');
    table.dataset.finished = String(experiment.finished);
    table.replaceChildren(h('table', { class: 'table experiment-table', dataset: { testid: 'experiment-rows' } },
      h('thead', {}, h('tr', {},
        ['Row', 'Trained', 'Status', 'Train error', 'Valid error', 'Test error', 'Published', 'Time'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, experiment.rows.map((row) => h('tr', { dataset: { testid: 'experiment-row', key: row.key, status: row.status } },
        h('th', { scope: 'row' }, h('a', { href: `#/jobs/${encodeURIComponent(row.jobId)}` }, row.label)),
        h('td', { class: 'setting', dataset: { testid: 'row-setting' } },
          row.setting?.architecture ?? '', h('br', {}), h('span', { class: 'muted' }, `${row.setting?.epochs ?? ''}; ${row.setting?.data ?? ''}`)),
        h('td', {}, statusBadge(row.status), row.phase ? ` ${row.phase}` : '',
          row.fraction !== null && row.fraction !== undefined && !isTerminal(row.status)
            ? h('progress', { max: 1, value: row.fraction, 'aria-label': `${row.label} progress` }) : '',
          row.error ? h('span', { class: 'experiment-error' }, ` ${row.error}`) : ''),
        h('td', { class: 'num', dataset: { testid: 'train-error' } }, percent(row.trainError)),
        h('td', { class: 'num', dataset: { testid: 'valid-error' } }, percent(row.validError)),
        h('td', { class: 'num', dataset: { testid: 'test-error' } }, percent(row.testError)),
        h('td', { class: 'num' }, percent(row.publishedTestError), row.source ? h('span', { class: 'source' }, ` ${row.source}`) : ''),
        h('td', { class: 'num' }, formatDuration(row.seconds),
          row.estimatedRunSeconds ? h('span', { class: 'source' }, ` of ~${estimated(row.estimatedRunSeconds)} estimated`) : ''))))));
    this.#root.querySelector('#experiment-cancel').hidden = experiment.finished;
  }

  async #cancel() {
    const button = this.#root.querySelector('#experiment-cancel');
    button.disabled = true;
    try {
      this.#renderRun(await api.cancelExperiment(this.#experimentId));
    } catch (error) {
      this.#root.querySelector('#experiment-table')
        .prepend(h('p', { class: 'notice notice--error', role: 'alert' }, `Could not cancel: ${error.message}`));
    } finally {
      button.disabled = false;
    }
  }
}
