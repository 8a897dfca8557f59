// The images and data sets page (#/data): uploads and lists.
// Static markup of our own (no server strings), inserted once by the page that owns it.

export const DATA_MARKUP = String.raw`
<h1 id="data-heading" class="page-title" tabindex="-1">Images &amp; data sets</h1>
<div class="data-grid">
  <section class="card" aria-labelledby="images-heading">
    <div class="card__header">
      <h2 id="images-heading" class="card__title">Images</h2>
      <button type="button" class="button button--link" id="refresh-images">Refresh</button>
    </div>
    <p class="hint">Photos for homework 2 and the feature-map demo. Uploads are converted to grayscale. PNG or JPEG, at most 10 MB and 4096×4096 pixels.</p>
    <form id="image-upload" class="upload" novalidate>
      <div class="field-row field-row--2">
        <div class="field">
          <label for="image-file">Image file</label>
          <input id="image-file" name="file" type="file" accept="image/png,image/jpeg" required data-testid="image-file">
        </div>
        <div class="field">
          <label for="image-name">Name <span class="muted">(optional)</span></label>
          <input id="image-name" name="name" type="text" maxlength="200" autocomplete="off">
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary" data-testid="image-upload-submit">Upload image</button>
        <p class="form-status" id="image-upload-status" role="status" aria-live="polite"></p>
      </div>
      <div class="notice notice--error" id="image-upload-error" data-testid="image-upload-error" role="alert" hidden></div>
    </form>
    <div id="images-list" data-testid="images-list" aria-live="polite" aria-busy="true"><p class="empty">Loading images…</p></div>
  </section>

  <section class="card" aria-labelledby="datasets-heading">
    <div class="card__header">
      <h2 id="datasets-heading" class="card__title">Data sets</h2>
      <button type="button" class="button button--link" id="refresh-datasets">Refresh</button>
    </div>
    <p class="hint">Train on your own data: IDX files like MNIST's (raw or gzip), CSV with one sample per row, or a set of images resized to a square.
      At most 50 MB per upload; a malformed file is refused with the reason, and nothing is stored.</p>
    <form id="dataset-upload" class="upload" novalidate>
      <div class="field-row field-row--2">
        <div class="field">
          <label for="dataset-name">Name</label>
          <input id="dataset-name" name="name" type="text" maxlength="200" autocomplete="off" required data-testid="dataset-name">
        </div>
        <div class="field">
          <label for="dataset-kind">Format</label>
          <select id="dataset-kind" name="kind" data-testid="dataset-kind">
            <option value="csv" selected>CSV (numbers, one sample per row)</option>
            <option value="idx">IDX (images + optional labels)</option>
            <option value="images">Image files (PNG/JPEG)</option>
          </select>
        </div>
      </div>
      <div data-dataset-kind="csv">
        <div class="field">
          <label for="dataset-csv">CSV file</label>
          <input id="dataset-csv" name="file" type="file" accept=".csv,text/csv,text/plain" data-testid="dataset-csv">
        </div>
        <div class="field field--check">
          <label class="check"><input type="checkbox" id="dataset-label-column" name="labelColumn" data-testid="dataset-label-column"> <span>The first column is a label</span></label>
          <p class="field__hint">Values are kept as given (no scaling): use [0, 1] for Bernoulli units.</p>
        </div>
      </div>
      <div data-dataset-kind="idx" hidden>
        <div class="field-row field-row--2">
          <div class="field">
            <label for="dataset-idx-images">Images (idx3-ubyte[.gz])</label>
            <input id="dataset-idx-images" name="images" type="file">
          </div>
          <div class="field">
            <label for="dataset-idx-labels">Labels (idx1-ubyte[.gz], optional)</label>
            <input id="dataset-idx-labels" name="labels" type="file">
          </div>
        </div>
      </div>
      <div data-dataset-kind="images" hidden>
        <div class="field-row field-row--2">
          <div class="field">
            <label for="dataset-image-files">Image files</label>
            <input id="dataset-image-files" name="files" type="file" accept="image/png,image/jpeg" multiple>
          </div>
          <div class="field">
            <label for="dataset-image-size">Resize to (pixels)</label>
            <input id="dataset-image-size" name="size" type="number" inputmode="numeric" min="2" max="256" step="1" value="28">
          </div>
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary" data-testid="dataset-upload-submit">Upload data set</button>
        <p class="form-status" id="dataset-upload-status" role="status" aria-live="polite"></p>
      </div>
      <div class="notice notice--error" id="dataset-upload-error" data-testid="dataset-upload-error" role="alert" hidden></div>
    </form>
    <div id="datasets-list" data-testid="datasets-list" aria-live="polite" aria-busy="true"><p class="empty">Loading data sets…</p></div>
  </section>
</div>
`;
