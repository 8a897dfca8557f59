// The lecture's demos page (#/demos): feature maps and Gibbs sampling.
// Static markup of our own (no server strings), inserted once by the page that owns it.

export const DEMOS_MARKUP = String.raw`
<h1 id="demos-heading" class="page-title" tabindex="-1">The lecture's demos</h1>
<div class="demo-grid">
  <section class="card" aria-labelledby="feature-maps-heading">
    <h2 id="feature-maps-heading" class="card__title">Feature maps</h2>
    <p class="hint">Convolve an image with every learned filter (valid convolution, A<sub>ij</sub> = Σ<sub>kl</sub> W<sub>kl</sub> X<sub>i+k,j+l</sub>) and show each map, normalized.
      The lecture: <strong>49 maps of 166×166 from 10×10 filters on a 175×175 image</strong>.</p>
    <form id="feature-maps-form" novalidate>
      <div class="field-row">
        <div class="field">
          <label for="fm-model">Model</label>
          <select id="fm-model" name="modelId" data-testid="fm-model" required></select>
        </div>
        <div class="field">
          <label for="fm-image">Image</label>
          <select id="fm-image" name="image" data-testid="fm-image"></select>
        </div>
        <div class="field">
          <label for="fm-size">Image size</label>
          <input id="fm-size" name="size" type="number" inputmode="numeric" min="16" max="512" step="1" value="175" aria-describedby="fm-size-hint">
          <p class="field__hint" id="fm-size-hint">resized to size × size</p>
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary" id="fm-submit" data-testid="fm-submit">Show feature maps</button>
        <p class="form-status" id="fm-status" role="status" aria-live="polite"></p>
      </div>
      <div class="notice notice--error" id="fm-error" data-testid="fm-error" role="alert" hidden></div>
    </form>
    <figure class="image-frame">
      <img id="fm-img" data-testid="fm-img" alt="Feature maps: one map per filter of the model" hidden>
      <p class="image-frame__empty" id="fm-empty">Pick a model trained on square images (digits or patches).</p>
    </figure>
    <p class="muted small" id="fm-note" data-testid="fm-note"></p>
  </section>

  <section class="card" aria-labelledby="gibbs-heading">
    <h2 id="gibbs-heading" class="card__title">Gibbs sampling</h2>
    <p class="hint">Alternate h ~ Q(h|x) and x ~ P(x|h) from noise or from test digits; every few steps the chains' visible means are streamed here as a frame.</p>
    <form id="gibbs-form" novalidate>
      <div class="field-row field-row--2">
        <div class="field">
          <label for="gibbs-model">Model</label>
          <select id="gibbs-model" name="modelId" data-testid="gibbs-model" required></select>
        </div>
        <fieldset class="field choice">
          <legend>Start from</legend>
          <label class="choice__option"><input type="radio" name="start" value="noise" checked data-testid="gibbs-start-noise"> <span>noise</span></label>
          <label class="choice__option"><input type="radio" name="start" value="digit" data-testid="gibbs-start-digit"> <span>test digits</span></label>
        </fieldset>
      </div>
      <div class="field-row">
        <div class="field">
          <label for="gibbs-chains">Chains</label>
          <input id="gibbs-chains" name="chains" type="number" inputmode="numeric" min="1" max="64" step="1" value="16">
        </div>
        <div class="field">
          <label for="gibbs-steps">Steps</label>
          <input id="gibbs-steps" name="steps" type="number" inputmode="numeric" min="1" max="5000" step="1" value="500" data-testid="gibbs-steps">
        </div>
        <div class="field">
          <label for="gibbs-every">Frame every</label>
          <input id="gibbs-every" name="every" type="number" inputmode="numeric" min="1" step="1" value="10" data-testid="gibbs-every">
        </div>
        <div class="field">
          <label for="gibbs-seed">Seed</label>
          <input id="gibbs-seed" name="seed" type="number" inputmode="numeric" min="0" step="1" value="1">
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary" id="gibbs-start" data-testid="gibbs-start">Start sampling</button>
        <button type="button" class="button button--danger" id="gibbs-stop" data-testid="gibbs-stop" disabled>Stop</button>
        <p class="form-status" id="gibbs-status" role="status" aria-live="polite"></p>
      </div>
      <div class="notice notice--error" id="gibbs-error" data-testid="gibbs-error" role="alert" hidden></div>
    </form>
    <figure class="image-frame">
      <img id="gibbs-img" data-testid="gibbs-img" data-frames="0" data-step="" alt="The chains' current visible means" hidden>
      <p class="image-frame__empty" id="gibbs-empty">Frames appear here as the chains run.</p>
    </figure>
  </section>
</div>
`;
