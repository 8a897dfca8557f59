// The page of one RBM job (#/jobs/{id} of an "rbm" or "rbm-patches" job): progress, curves, images, monitoring, evaluations.
// Static markup of our own (no server strings), inserted once by the page that owns it.

export const RBM_JOB_MARKUP = String.raw`
<p class="back"><a href="#/">← All jobs</a></p>

<section class="card job-head" aria-labelledby="job-name">
  <div class="job-head__title">
    <h1 id="job-name" class="card__title" tabindex="-1">Job</h1>
    <span id="job-status" class="badge" data-testid="job-status" data-status="" role="status" aria-live="polite">…</span>
  </div>
  <p class="muted job-head__meta">
    <span id="job-id" class="mono"></span>
    <span id="job-times"></span>
  </p>

  <div id="job-error" class="notice notice--error" role="alert" hidden></div>
  <div id="job-notice" class="notice" role="status" hidden></div>

  <div class="progress-block">
    <label for="job-progress" class="visually-hidden">Training progress</label>
    <progress id="job-progress" data-testid="job-progress" max="1" value="0"></progress>
    <dl class="stats" id="job-stats">
      <div><dt>Epoch</dt><dd id="stat-epoch">–</dd></div>
      <div><dt>Batch</dt><dd id="stat-batch">–</dd></div>
      <div><dt>Reconstruction error</dt><dd id="stat-error">–</dd></div>
      <div><dt>Speed</dt><dd id="stat-speed">–</dd></div>
      <div><dt>Time left</dt><dd id="stat-eta">–</dd></div>
      <div><dt>Stage</dt><dd id="stat-stage" data-testid="job-stage">–</dd></div>
    </dl>
  </div>

  <div class="job-actions">
    <button type="button" id="cancel-job" class="button button--danger" data-testid="cancel-job" hidden>Cancel job</button>
    <a id="model-link" class="button button--primary" data-testid="model-link" hidden download>Download model (.safetensors)</a>
    <a id="models-link" class="button button--link" href="#/models" hidden>See all models</a>
  </div>
</section>

<div class="job-grid">
  <section class="card" aria-labelledby="curve-heading">
    <h2 id="curve-heading" class="card__title">Learning curve</h2>
    <p class="hint">Reconstruction error per epoch (dots) and per minibatch (thin line). It should fall as the RBM learns.</p>
    <div id="learning-curve" class="chart" data-testid="learning-curve" data-points="0" data-batch-points="0"
         role="img" aria-label="Learning curve: no data yet">
      <p class="chart__empty">The curve appears after the first minibatches.</p>
    </div>
    <details class="history">
      <summary>Epoch table</summary>
      <table class="table">
        <caption class="visually-hidden">Metrics per epoch</caption>
        <thead><tr><th scope="col">Epoch</th><th scope="col">Reconstruction error</th><th scope="col">Samples/s</th><th scope="col">Seconds</th></tr></thead>
        <tbody id="history-rows"><tr><td colspan="4" class="empty">No completed epoch yet.</td></tr></tbody>
      </table>
    </details>
  </section>

  <section class="card" aria-labelledby="settings-heading">
    <h2 id="settings-heading" class="card__title">Settings</h2>
    <dl class="settings" id="job-settings"></dl>
  </section>

</div>

<div class="image-grid">
  <section class="card image-card" aria-labelledby="filters-heading">
    <h2 id="filters-heading" class="card__title">Filters</h2>
    <p class="hint">Each tile is one hidden unit's weights, shown as an image (black = lowest, white = highest weight of that unit).</p>
    <figure class="image-frame">
      <img id="filters-img" data-testid="filters-img" alt="Filter grid: the weights of each hidden unit as a tile" hidden>
      <p class="image-frame__empty" data-empty-for="filters">Filters appear once training starts.</p>
    </figure>
    <p class="muted small" id="filters-version"></p>
  </section>

  <section class="card image-card" aria-labelledby="recon-heading">
    <h2 id="recon-heading" class="card__title">Reconstructions</h2>
    <p class="hint">Held-out digits (top row) and what the RBM reconstructs from them (bottom row).</p>
    <figure class="image-frame">
      <img id="reconstructions-img" data-testid="reconstructions-img" alt="Original digits above their reconstructions" hidden>
      <p class="image-frame__empty" data-empty-for="reconstructions">Reconstructions appear once training starts.</p>
    </figure>
    <p class="muted small" id="reconstructions-version"></p>
  </section>
</div>

<section class="section" id="monitoring" aria-labelledby="monitoring-heading" data-testid="monitoring">
  <div class="section__header">
    <h2 id="monitoring-heading" class="section__title">Monitoring</h2>
    <p class="hint">Measured once per epoch on a training sample and a held-out sample (at most 1000 rows each).</p>
  </div>
  <div class="monitor-grid">
    <section class="card monitor-card" aria-labelledby="chart-errors-heading">
      <h3 id="chart-errors-heading" class="card__title">Reconstruction error</h3>
      <p class="hint">Squared error and cross-entropy per sample of mean-field reconstructions; both should fall.</p>
      <div id="chart-errors" class="chart chart--small" data-testid="chart-errors" data-points="0" role="img" aria-label="Reconstruction error: no data yet">
        <p class="chart__empty">Appears after the first epoch.</p>
      </div>
    </section>
    <section class="card monitor-card" aria-labelledby="chart-pll-heading">
      <h3 id="chart-pll-heading" class="card__title">Pseudo-log-likelihood</h3>
      <p class="hint">scikit-learn’s score_samples: flip one random pixel per sample; higher (closer to 0) is better. Bernoulli units only.</p>
      <div id="chart-pll" class="chart chart--small" data-testid="chart-pll" data-points="0" role="img" aria-label="Pseudo-log-likelihood: no data yet">
        <p class="chart__empty">Appears after the first epoch.</p>
      </div>
    </section>
    <section class="card monitor-card" aria-labelledby="chart-free-energy-heading">
      <h3 id="chart-free-energy-heading" class="card__title">Free energy: training vs held-out</h3>
      <p class="hint">A widening gap (held-out above training) means the RBM is memorizing its training data: overfitting.</p>
      <div id="chart-free-energy" class="chart chart--small" data-testid="chart-free-energy" data-points="0" role="img" aria-label="Free energy: training vs held-out: no data yet">
        <p class="chart__empty">Appears after the first epoch.</p>
      </div>
    </section>
    <section class="card monitor-card" aria-labelledby="health-heading">
      <h3 id="health-heading" class="card__title">Hidden-unit health</h3>
      <p class="hint">Mean activation of each hidden unit on the training sample, one cell per unit. Dead units (&lt; 0.01) never fire; saturated ones (&gt; 0.99) always do.</p>
      <div class="heat" data-testid="heat-strip-wrap">
        <canvas id="heat-strip" class="heat__strip" data-testid="heat-strip" data-units="0" height="40" role="img" aria-label="Hidden-unit mean activations: no data yet"></canvas>
        <div class="heat__scale" aria-hidden="true"><span>0</span><span class="heat__gradient"></span><span>1</span></div>
        <p class="heat__counts"><span id="heat-epoch" class="muted">no epoch yet</span>
          · <strong id="dead-units" data-testid="dead-units">–</strong> dead
          · <strong id="saturated-units" data-testid="saturated-units">–</strong> saturated</p>
      </div>
    </section>
  </div>
  <section class="card" aria-labelledby="histograms-heading">
    <h3 id="histograms-heading" class="card__title">Parameter histograms <span class="muted small" id="histograms-epoch"></span></h3>
    <p class="hint">Weights should spread out from their small initial values; biases drift to match the data.</p>
    <div class="histogram-grid">
      <figure class="histogram">
        <figcaption>Weights W <span class="muted small" id="hist-weights-range"></span></figcaption>
        <div id="hist-weights" class="chart chart--histogram" data-testid="hist-weights" data-bins="0" role="img" aria-label="Weights W histogram: no data yet">
          <p class="chart__empty">After the first epoch.</p>
        </div>
      </figure>
      <figure class="histogram">
        <figcaption>Visible biases b <span class="muted small" id="hist-visibleBias-range"></span></figcaption>
        <div id="hist-visibleBias" class="chart chart--histogram" data-testid="hist-visibleBias" data-bins="0" role="img" aria-label="Visible biases b histogram: no data yet">
          <p class="chart__empty">After the first epoch.</p>
        </div>
      </figure>
      <figure class="histogram">
        <figcaption>Hidden biases c <span class="muted small" id="hist-hiddenBias-range"></span></figcaption>
        <div id="hist-hiddenBias" class="chart chart--histogram" data-testid="hist-hiddenBias" data-bins="0" role="img" aria-label="Hidden biases c histogram: no data yet">
          <p class="chart__empty">After the first epoch.</p>
        </div>
      </figure>
    </div>
  </section>
</section>

<section class="section" id="evaluations" aria-labelledby="evaluations-heading" data-testid="evaluations">
  <div class="section__header">
    <h2 id="evaluations-heading" class="section__title">Evaluations</h2>
    <p class="hint" id="evaluations-hint">Evaluations chosen in the job form run after training and appear here.</p>
  </div>
  <p class="empty" id="evaluations-empty" data-testid="evaluations-empty">No evaluation yet.</p>

  <section class="card eval-card" id="eval-ais" data-testid="eval-ais" aria-labelledby="ais-heading" hidden>
    <h3 id="ais-heading" class="card__title">Log-likelihood (annealed importance sampling)</h3>
    <p class="hint">Salakhutdinov &amp; Murray (2008): log Z of the RBM estimated by annealing from a base-rate model; then log p(x) = −F(x) − log Z on test digits.</p>
    <dl class="stats" id="ais-stats"></dl>
    <div class="ais-bar" id="ais-bar" role="img"></div>
  </section>

  <section class="card eval-card" id="eval-per-class" data-testid="eval-per-class" aria-labelledby="per-class-heading" hidden>
    <h3 id="per-class-heading" class="card__title">Per-class reconstruction (homework 1)</h3>
    <p class="hint">Test digits of every class, reconstructed by an RBM that saw only some of them. Untrained digits are highlighted; they should reconstruct worse.</p>
    <div class="per-class">
      <div class="table-wrap">
        <table class="table per-class__table" data-testid="per-class-table">
          <caption class="visually-hidden">Reconstruction error per digit</caption>
          <thead><tr><th scope="col">Digit</th><th scope="col">Trained on?</th><th scope="col" class="num">Test digits</th><th scope="col" class="num">Squared error</th><th scope="col" class="num">Cross-entropy</th><th scope="col"><span class="visually-hidden">Relative error</span></th></tr></thead>
          <tbody id="per-class-rows"></tbody>
        </table>
      </div>
      <figure class="image-frame per-class__image">
        <img id="per-class-img" data-testid="per-class-img" alt="For each digit 0–9 a row of test digits and their reconstructions" hidden>
        <p class="image-frame__empty" data-empty-for="per-class">The grid appears with the table.</p>
      </figure>
    </div>
  </section>

  <section class="card eval-card" id="eval-patches" data-testid="eval-patches" aria-labelledby="patches-heading" hidden>
    <h3 id="patches-heading" class="card__title">Patch reconstruction (homework 2)</h3>
    <p class="hint">The unseen test image, rebuilt by sliding-window patches (overlaps averaged) from binary hidden states and from hidden probabilities.</p>
    <dl class="stats" id="patch-stats"></dl>
    <figure class="image-frame patch-recon">
      <img id="patch-recon-img" data-testid="patch-recon-img" alt="Original | reconstruction from binary features | reconstruction from probabilities" hidden>
      <p class="image-frame__empty" data-empty-for="patch-reconstruction">The images appear when the evaluation finishes.</p>
    </figure>
    <p class="patch-recon__labels" aria-hidden="true"><span>original</span><span>binary features</span><span>non-binary features</span></p>
  </section>
</section>
`;
