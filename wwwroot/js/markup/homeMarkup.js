// The home page (#/): the RBM training form, the latest jobs and the latest models.
// Static markup of our own (no server strings), inserted once by the page that owns it.

export const HOME_MARKUP = String.raw`
<div class="home-grid">
  <section class="card" aria-labelledby="form-heading">
    <div class="card__header">
      <h1 id="form-heading" class="card__title" tabindex="-1">Train an RBM</h1>
    </div>
    <div class="presets" role="group" aria-label="Presets">
      <button type="button" id="preset-homework1" class="button button--secondary" data-testid="preset-homework1">
        Homework 1 — train on digits 1–5
      </button>
      <button type="button" id="preset-homework2" class="button button--secondary" data-testid="preset-homework2">
        Homework 2 — train on a dog photo, reconstruct a cat photo
      </button>
      <button type="button" id="preset-lecture" class="button button--secondary" data-testid="preset-lecture">
        Lecture demo — 49 filters of 16×16 digits
      </button>
    </div>
    <p class="hint">A Restricted Boltzmann Machine trained with contrastive divergence (CD-k or persistent CD) on MNIST digits,
      a data set of your own, or patches of an image. Every field has a sensible default; the presets fill in the lecture's exercises.</p>

    <form id="job-form" novalidate>
      <div id="form-summary" class="notice notice--error" role="alert" hidden></div>

      <div class="field" data-field="name">
        <label for="f-name">Job name</label>
        <input id="f-name" name="name" type="text" maxlength="200" value="RBM job" autocomplete="off"
               aria-describedby="err-name">
        <p class="field__error" id="err-name" data-error-for="name"></p>
      </div>

      <fieldset class="field choice choice--inline" data-field="kind" aria-describedby="err-kind">
        <legend>Train on</legend>
        <label class="choice__option">
          <input type="radio" name="kind" value="rbm" checked data-testid="kind-rbm">
          <span>Images of a data set <span class="muted">— MNIST digits or one of your data sets</span></span>
        </label>
        <label class="choice__option">
          <input type="radio" name="kind" value="rbm-patches" data-testid="kind-rbm-patches">
          <span>Patches of one image <span class="muted">— homework 2, Gaussian visible units</span></span>
        </label>
        <p class="field__error" id="err-kind" data-error-for="kind"></p>
      </fieldset>

      <fieldset class="group">
        <legend>Model (RBM)</legend>
        <div class="field-row">
          <div class="field" data-field="rbm.hiddenUnits">
            <label for="f-hidden">Hidden units</label>
            <input id="f-hidden" name="rbm.hiddenUnits" type="number" inputmode="numeric"
                   aria-describedby="hint-hidden err-rbm-hiddenUnits">
            <p class="field__hint" id="hint-hidden"><span data-range-of="rbm.hiddenUnits" data-range-then=" · "></span>49 gives a 7×7 filter grid</p>
            <p class="field__error" id="err-rbm-hiddenUnits" data-error-for="rbm.hiddenUnits"></p>
          </div>
          <div class="field" data-field="rbm.k">
            <label for="f-k">CD steps <abbr title="Gibbs steps per update">k</abbr></label>
            <input id="f-k" name="rbm.k" type="number" inputmode="numeric"
                   aria-describedby="hint-k err-rbm-k">
            <p class="field__hint" id="hint-k"><span data-range-of="rbm.k"></span></p>
            <p class="field__error" id="err-rbm-k" data-error-for="rbm.k"></p>
          </div>
          <div class="field" data-field="rbm.learningRate">
            <label for="f-lr">Learning rate ε</label>
            <input id="f-lr" name="rbm.learningRate" type="number" inputmode="decimal"
                   aria-describedby="hint-lr err-rbm-learningRate">
            <p class="field__hint" id="hint-lr"><span data-range-of="rbm.learningRate"></span></p>
            <p class="field__error" id="err-rbm-learningRate" data-error-for="rbm.learningRate"></p>
          </div>
        </div>
        <div class="field-row">
          <div class="field" data-field="rbm.batchSize">
            <label for="f-batch">Batch size</label>
            <input id="f-batch" name="rbm.batchSize" type="number" inputmode="numeric"
                   aria-describedby="hint-batch err-rbm-batchSize">
            <p class="field__hint" id="hint-batch"><span data-range-of="rbm.batchSize"></span></p>
            <p class="field__error" id="err-rbm-batchSize" data-error-for="rbm.batchSize"></p>
          </div>
          <div class="field" data-field="rbm.epochs">
            <label for="f-epochs">Epochs</label>
            <input id="f-epochs" name="rbm.epochs" type="number" inputmode="numeric"
                   aria-describedby="hint-epochs err-rbm-epochs">
            <p class="field__hint" id="hint-epochs"><span data-range-of="rbm.epochs" data-range-then=" "></span>passes over the data</p>
            <p class="field__error" id="err-rbm-epochs" data-error-for="rbm.epochs"></p>
          </div>
          <div class="field" data-field="rbm.seed">
            <label for="f-seed">Random seed</label>
            <input id="f-seed" name="rbm.seed" type="number" inputmode="numeric"
                   aria-describedby="hint-seed err-rbm-seed">
            <p class="field__hint" id="hint-seed">same seed → same run</p>
            <p class="field__error" id="err-rbm-seed" data-error-for="rbm.seed"></p>
          </div>
        </div>
        <fieldset class="field choice" data-field="rbm.sampleReconstruction" aria-describedby="err-rbm-sampleReconstruction">
          <legend>Reconstruction x₂ in the negative phase</legend>
          <label class="choice__option">
            <input type="radio" name="rbm.sampleReconstruction" value="true" checked>
            <span>Sampled <span class="muted">— binary x₂ drawn from P(x₂|h₁)</span></span>
          </label>
          <label class="choice__option">
            <input type="radio" name="rbm.sampleReconstruction" value="false">
            <span>Mean-field <span class="muted">— x₂ = P(x₂=1|h₁), the probabilities</span></span>
          </label>
          <p class="field__error" id="err-rbm-sampleReconstruction" data-error-for="rbm.sampleReconstruction"></p>
        </fieldset>
      </fieldset>

      <fieldset class="group" id="data-group" data-kind-only="rbm">
        <legend>Data</legend>
        <div class="field-row field-row--2">
          <div class="field" data-field="data.datasetId">
            <label for="f-source">Data set</label>
            <select id="f-source" name="data.source" data-testid="data-source" aria-describedby="hint-source err-data-datasetId">
              <option value="mnist" selected>MNIST (built in)</option>
            </select>
            <p class="field__hint" id="hint-source">Upload your own on the <a href="#/data">data sets page</a>.</p>
            <p class="field__error" id="err-data-datasetId" data-error-for="data.datasetId"></p>
          </div>
          <div class="field" data-field="data.split" data-source-only="mnist">
            <label for="f-split">Split</label>
            <select id="f-split" name="data.split" aria-describedby="err-data-split">
              <option value="train" selected>train (60,000 images)</option>
              <option value="test">test (10,000 images)</option>
            </select>
            <p class="field__error" id="err-data-split" data-error-for="data.split"></p>
          </div>
          <div class="field" data-field="data.imageSize" data-source-only="mnist">
            <label for="f-size">Image size</label>
            <select id="f-size" name="data.imageSize" aria-describedby="err-data-imageSize">
              <option value="28" selected>28 × 28 (original)</option>
              <option value="16">16 × 16 (lecture size)</option>
            </select>
            <p class="field__error" id="err-data-imageSize" data-error-for="data.imageSize"></p>
          </div>
          <div class="field" data-field="data.limit">
            <label for="f-limit">Limit</label>
            <input id="f-limit" name="data.limit" type="number" inputmode="numeric" placeholder="all"
                   aria-describedby="hint-limit err-data-limit">
            <p class="field__hint" id="hint-limit">first N matching images; empty = all</p>
            <p class="field__error" id="err-data-limit" data-error-for="data.limit"></p>
          </div>
          <div class="field" data-field="data.binarizeThreshold">
            <label for="f-binarize">Binarize threshold</label>
            <input id="f-binarize" name="data.binarizeThreshold" type="number" inputmode="decimal" placeholder="off"
                   aria-describedby="hint-binarize err-data-binarizeThreshold">
            <p class="field__hint" id="hint-binarize"><span data-range-of="data.binarizeThreshold" data-range-then="; "></span>empty = grayscale</p>
            <p class="field__error" id="err-data-binarizeThreshold" data-error-for="data.binarizeThreshold"></p>
          </div>
        </div>
        <fieldset class="field digits" data-field="data.classes" data-source-only="mnist" aria-describedby="hint-classes err-data-classes">
          <legend>Digits</legend>
          <div class="digits__boxes" id="digit-boxes"></div>
          <div class="digits__actions">
            <button type="button" class="button button--link" data-digits="all">All</button>
            <button type="button" class="button button--link" data-digits="none">None</button>
          </div>
          <p class="field__hint" id="hint-classes">None checked = every digit 0–9.</p>
          <p class="field__error" id="err-data-classes" data-error-for="data.classes"></p>
        </fieldset>
      </fieldset>

      <fieldset class="group" id="patches-group" data-kind-only="rbm-patches" hidden>
        <legend>Image patches (homework 2)</legend>
        <div class="field-row field-row--2">
          <div class="field" data-field="patches.trainImage">
            <label for="f-train-image">Train on image</label>
            <select id="f-train-image" name="patches.trainImage" data-testid="train-image" aria-describedby="err-patches-trainImage">
              <option value="builtin:chelsea" selected>builtin:chelsea</option>
            </select>
            <p class="field__error" id="err-patches-trainImage" data-error-for="patches.trainImage"></p>
          </div>
          <div class="field" data-field="patches.testImage">
            <label for="f-test-image">Reconstruct image</label>
            <select id="f-test-image" name="patches.testImage" data-testid="test-image" aria-describedby="hint-test-image err-patches-testImage">
              <option value="builtin:coffee" selected>builtin:coffee</option>
            </select>
            <p class="field__hint" id="hint-test-image">unseen in training; <a href="#/data">upload your own</a></p>
            <p class="field__error" id="err-patches-testImage" data-error-for="patches.testImage"></p>
          </div>
        </div>
        <div class="field-row">
          <div class="field" data-field="patches.patchSize">
            <label for="f-patch-size">Patch size</label>
            <input id="f-patch-size" name="patches.patchSize" type="number" inputmode="numeric"
                   aria-describedby="hint-patch-size err-patches-patchSize">
            <p class="field__hint" id="hint-patch-size">pixels per side (10 → 10×10)</p>
            <p class="field__error" id="err-patches-patchSize" data-error-for="patches.patchSize"></p>
          </div>
          <div class="field" data-field="patches.patchCount">
            <label for="f-patch-count">Patch count</label>
            <input id="f-patch-count" name="patches.patchCount" type="number" inputmode="numeric"
                   aria-describedby="hint-patch-count err-patches-patchCount">
            <p class="field__hint" id="hint-patch-count">random patches to train on</p>
            <p class="field__error" id="err-patches-patchCount" data-error-for="patches.patchCount"></p>
          </div>
          <div class="field" data-field="patches.stride">
            <label for="f-stride">Stride</label>
            <input id="f-stride" name="patches.stride" type="number" inputmode="numeric"
                   aria-describedby="hint-stride err-patches-stride">
            <p class="field__hint" id="hint-stride">sliding-window step when reconstructing</p>
            <p class="field__error" id="err-patches-stride" data-error-for="patches.stride"></p>
          </div>
        </div>
        <div class="field-row field-row--2">
          <div class="field" data-field="patches.standardization">
            <label for="f-standardization">Standardization</label>
            <select id="f-standardization" name="patches.standardization" aria-describedby="hint-standardization err-patches-standardization">
              <option value="PerPatch" selected>per patch (subtract its mean, divide by its std)</option>
              <option value="PerPixel">per pixel (over all patches)</option>
            </select>
            <p class="field__hint" id="hint-standardization">Gaussian units expect zero mean, unit variance</p>
            <p class="field__error" id="err-patches-standardization" data-error-for="patches.standardization"></p>
          </div>
          <div class="field field--check" data-field="patches.zca">
            <label class="check"><input type="checkbox" id="f-zca" name="patches.zca"> <span>ZCA whitening</span></label>
            <p class="field__hint">decorrelates neighbouring pixels; filters become edge-like</p>
            <p class="field__error" id="err-patches-zca" data-error-for="patches.zca"></p>
          </div>
        </div>
      </fieldset>

      <details class="group advanced" id="advanced" data-testid="advanced">
        <summary>Advanced training options <span class="muted small">— unit types, PCD, momentum, weight decay, sparsity, schedule, initialization</span></summary>
        <div class="field-row field-row--2">
          <div class="field" data-field="rbm.visibleType">
            <label for="f-visible-type">Visible units</label>
            <select id="f-visible-type" name="rbm.visibleType" data-testid="visible-type" aria-describedby="hint-visible-type err-rbm-visibleType">
              <option value="Bernoulli" selected>Bernoulli (binary, pixels in [0,1])</option>
              <option value="Gaussian">Gaussian (real-valued, standardized data)</option>
            </select>
            <p class="field__hint" id="hint-visible-type">hidden units are always Bernoulli</p>
            <p class="field__error" id="err-rbm-visibleType" data-error-for="rbm.visibleType"></p>
          </div>
          <div class="field" data-field="rbm.sigma" data-visible-only="Gaussian">
            <label for="f-sigma">σ of Gaussian units</label>
            <input id="f-sigma" name="rbm.sigma" type="number" inputmode="decimal"
                   aria-describedby="hint-sigma err-rbm-sigma">
            <p class="field__hint" id="hint-sigma"><span data-range-of="rbm.sigma" data-range-then="; "></span>1 for standardized data</p>
            <p class="field__error" id="err-rbm-sigma" data-error-for="rbm.sigma"></p>
          </div>
        </div>
        <fieldset class="field choice choice--inline" data-field="rbm.persistent" aria-describedby="err-rbm-persistent">
          <legend>Negative phase</legend>
          <label class="choice__option">
            <input type="radio" name="rbm.persistent" value="false" checked>
            <span>CD-k <span class="muted">— chains restart at the data every update</span></span>
          </label>
          <label class="choice__option">
            <input type="radio" name="rbm.persistent" value="true" data-testid="persistent">
            <span>Persistent CD <span class="muted">— fantasy chains carried across updates</span></span>
          </label>
          <p class="field__error" id="err-rbm-persistent" data-error-for="rbm.persistent"></p>
        </fieldset>
        <div class="field-row">
          <div class="field" data-field="rbm.persistentChains" data-persistent-only="true">
            <label for="f-chains">Persistent chains</label>
            <input id="f-chains" name="rbm.persistentChains" type="number" inputmode="numeric"
                   aria-describedby="hint-chains err-rbm-persistentChains">
            <p class="field__hint" id="hint-chains"><span data-range-of="rbm.persistentChains" data-range-then=" "></span>fantasy particles</p>
            <p class="field__error" id="err-rbm-persistentChains" data-error-for="rbm.persistentChains"></p>
          </div>
        </div>
        <div class="field-row">
          <div class="field" data-field="rbm.initialMomentum">
            <label for="f-momentum-initial">Initial momentum</label>
            <input id="f-momentum-initial" name="rbm.initialMomentum" type="number" inputmode="decimal"
                   aria-describedby="hint-momentum-initial err-rbm-initialMomentum">
            <p class="field__hint" id="hint-momentum-initial"><span data-range-of="rbm.initialMomentum" data-range-then="; "></span>e.g. 0.5</p>
            <p class="field__error" id="err-rbm-initialMomentum" data-error-for="rbm.initialMomentum"></p>
          </div>
          <div class="field" data-field="rbm.finalMomentum">
            <label for="f-momentum-final">Final momentum</label>
            <input id="f-momentum-final" name="rbm.finalMomentum" type="number" inputmode="decimal"
                   aria-describedby="hint-momentum-final err-rbm-finalMomentum">
            <p class="field__hint" id="hint-momentum-final"><span data-range-of="rbm.finalMomentum" data-range-then="; "></span>e.g. 0.9</p>
            <p class="field__error" id="err-rbm-finalMomentum" data-error-for="rbm.finalMomentum"></p>
          </div>
          <div class="field" data-field="rbm.momentumSwitchEpoch">
            <label for="f-momentum-switch">Switch after epoch</label>
            <input id="f-momentum-switch" name="rbm.momentumSwitchEpoch" type="number" inputmode="numeric"
                   aria-describedby="hint-momentum-switch err-rbm-momentumSwitchEpoch">
            <p class="field__hint" id="hint-momentum-switch">initial up to this epoch, then final</p>
            <p class="field__error" id="err-rbm-momentumSwitchEpoch" data-error-for="rbm.momentumSwitchEpoch"></p>
          </div>
        </div>
        <div class="field-row">
          <div class="field" data-field="rbm.weightDecay">
            <label for="f-weight-decay">Weight decay λ</label>
            <input id="f-weight-decay" name="rbm.weightDecay" type="number" inputmode="decimal"
                   aria-describedby="hint-weight-decay err-rbm-weightDecay">
            <p class="field__hint" id="hint-weight-decay">L2, <span data-range-of="rbm.weightDecay" data-range-then="; "></span>e.g. 0.0002</p>
            <p class="field__error" id="err-rbm-weightDecay" data-error-for="rbm.weightDecay"></p>
          </div>
          <div class="field" data-field="rbm.learningRateDecay">
            <label for="f-lr-decay">Learning-rate decay</label>
            <input id="f-lr-decay" name="rbm.learningRateDecay" type="number" inputmode="decimal"
                   aria-describedby="hint-lr-decay err-rbm-learningRateDecay">
            <p class="field__hint" id="hint-lr-decay"><span data-range-of="rbm.learningRateDecay" data-range-then="; "></span>ε·decay^(epoch−1)</p>
            <p class="field__error" id="err-rbm-learningRateDecay" data-error-for="rbm.learningRateDecay"></p>
          </div>
        </div>
        <div class="field-row">
          <div class="field" data-field="rbm.sparsityTarget">
            <label for="f-sparsity-target">Sparsity target</label>
            <input id="f-sparsity-target" name="rbm.sparsityTarget" type="number" inputmode="decimal" placeholder="off"
                   aria-describedby="hint-sparsity-target err-rbm-sparsityTarget">
            <p class="field__hint" id="hint-sparsity-target"><span data-range-of="rbm.sparsityTarget" data-range-then="; "></span>empty = off</p>
            <p class="field__error" id="err-rbm-sparsityTarget" data-error-for="rbm.sparsityTarget"></p>
          </div>
          <div class="field" data-field="rbm.sparsityCost">
            <label for="f-sparsity-cost">Sparsity cost</label>
            <input id="f-sparsity-cost" name="rbm.sparsityCost" type="number" inputmode="decimal"
                   aria-describedby="hint-sparsity-cost err-rbm-sparsityCost">
            <p class="field__hint" id="hint-sparsity-cost"><span data-range-of="rbm.sparsityCost"></span></p>
            <p class="field__error" id="err-rbm-sparsityCost" data-error-for="rbm.sparsityCost"></p>
          </div>
          <div class="field" data-field="rbm.sparsityDecay">
            <label for="f-sparsity-decay">Sparsity decay</label>
            <input id="f-sparsity-decay" name="rbm.sparsityDecay" type="number" inputmode="decimal"
                   aria-describedby="hint-sparsity-decay err-rbm-sparsityDecay">
            <p class="field__hint" id="hint-sparsity-decay"><span data-range-of="rbm.sparsityDecay" data-range-then="; "></span>activation estimate</p>
            <p class="field__error" id="err-rbm-sparsityDecay" data-error-for="rbm.sparsityDecay"></p>
          </div>
        </div>
        <div class="field-row field-row--2">
          <div class="field" data-field="rbm.initialWeightStdDev">
            <label for="f-init-std">Initial weight std</label>
            <input id="f-init-std" name="rbm.initialWeightStdDev" type="number" inputmode="decimal"
                   aria-describedby="hint-init-std err-rbm-initialWeightStdDev">
            <p class="field__hint" id="hint-init-std"><span data-range-of="rbm.initialWeightStdDev" data-range-then="; "></span>weights ~ N(0, std²)</p>
            <p class="field__error" id="err-rbm-initialWeightStdDev" data-error-for="rbm.initialWeightStdDev"></p>
          </div>
          <div class="field field--check" data-field="rbm.initializeVisibleBiasFromData">
            <label class="check"><input type="checkbox" id="f-init-bias" name="rbm.initializeVisibleBiasFromData" checked> <span>Visible biases from the data</span></label>
            <p class="field__hint">log(p/(1−p)) of pixel frequencies (Hinton's guide §8)</p>
            <p class="field__error" id="err-rbm-initializeVisibleBiasFromData" data-error-for="rbm.initializeVisibleBiasFromData"></p>
          </div>
        </div>
      </details>

      <fieldset class="group" id="evaluation-group">
        <legend>Evaluation after training</legend>
        <div class="field field--check" data-field="evaluation.perClass" data-kind-only="rbm">
          <label class="check"><input type="checkbox" id="f-per-class" name="evaluation.perClass" data-testid="per-class"> <span>Per-class reconstruction error on test digits 0–9 <span class="muted">(homework 1)</span></span></label>
          <p class="field__error" id="err-evaluation-perClass" data-error-for="evaluation.perClass"></p>
        </div>
        <div class="field-row" data-eval-only="perClass" data-kind-only="rbm">
          <div class="field" data-field="evaluation.perClassLimit">
            <label for="f-per-class-limit">Test digits per class</label>
            <input id="f-per-class-limit" name="evaluation.perClassLimit" type="number" inputmode="numeric"
                   aria-describedby="hint-per-class-limit err-evaluation-perClassLimit">
            <p class="field__hint" id="hint-per-class-limit">reconstructed per digit</p>
            <p class="field__error" id="err-evaluation-perClassLimit" data-error-for="evaluation.perClassLimit"></p>
          </div>
        </div>
        <div class="field field--check" data-field="evaluation.ais">
          <label class="check"><input type="checkbox" id="f-ais" name="evaluation.ais.enabled" data-testid="ais"> <span>Log-likelihood by annealed importance sampling <span class="muted">(Bernoulli visible units)</span></span></label>
          <p class="field__error" id="err-evaluation-ais" data-error-for="evaluation.ais"></p>
        </div>
        <div class="field-row" data-eval-only="ais">
          <div class="field" data-field="evaluation.ais.runs">
            <label for="f-ais-runs">AIS runs</label>
            <input id="f-ais-runs" name="evaluation.ais.runs" type="number" inputmode="numeric"
                   aria-describedby="hint-ais-runs err-evaluation-ais-runs">
            <p class="field__hint" id="hint-ais-runs">parallel chains</p>
            <p class="field__error" id="err-evaluation-ais-runs" data-error-for="evaluation.ais.runs"></p>
          </div>
          <div class="field" data-field="evaluation.ais.betas">
            <label for="f-ais-betas">Temperatures β</label>
            <input id="f-ais-betas" name="evaluation.ais.betas" type="number" inputmode="numeric"
                   aria-describedby="hint-ais-betas err-evaluation-ais-betas">
            <p class="field__hint" id="hint-ais-betas">intermediate distributions</p>
            <p class="field__error" id="err-evaluation-ais-betas" data-error-for="evaluation.ais.betas"></p>
          </div>
          <div class="field" data-field="evaluation.ais.testLimit">
            <label for="f-ais-limit">Test digits</label>
            <input id="f-ais-limit" name="evaluation.ais.testLimit" type="number" inputmode="numeric"
                   aria-describedby="hint-ais-limit err-evaluation-ais-testLimit">
            <p class="field__hint" id="hint-ais-limit">scored with log p(x)</p>
            <p class="field__error" id="err-evaluation-ais-testLimit" data-error-for="evaluation.ais.testLimit"></p>
          </div>
        </div>
      </fieldset>

      <div class="form-actions">
        <button type="submit" id="submit-job" class="button button--primary" data-testid="submit-job">Start training</button>
        <p id="form-status" class="form-status" role="status" aria-live="polite"></p>
      </div>
    </form>
  </section>

  <div class="side-column">
    <section class="card" id="jobs" aria-labelledby="jobs-heading">
      <div class="card__header">
        <h2 id="jobs-heading" class="card__title" tabindex="-1">Jobs</h2>
        <span><button type="button" class="button button--link" id="refresh-jobs">Refresh</button>
          <a class="button button--link" href="#/jobs" data-testid="all-jobs">All jobs, filters &amp; delete</a></span>
      </div>
      <div id="jobs-list" data-testid="jobs-list" aria-live="polite" aria-busy="true">
        <p class="empty">Loading jobs…</p>
      </div>
    </section>

    <section class="card" id="models" aria-labelledby="models-heading">
      <div class="card__header">
        <h2 id="models-heading" class="card__title" tabindex="-1">Models</h2>
        <span><button type="button" class="button button--link" id="refresh-models">Refresh</button>
          <a class="button button--link" href="#/models">All models &amp; import</a></span>
      </div>
      <div id="models-list" data-testid="models-list" aria-busy="true">
        <p class="empty">Loading models…</p>
      </div>
      <p class="small"><a href="#/gallery">Open the gallery</a> for model cards, classmates’ models and sharing.</p>
    </section>
  </div>
</div>
`;
