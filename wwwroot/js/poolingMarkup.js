// The pooling playground's markup: settings shared by its three sections (a matrix, a drawing, an image).

import { h } from './dom.js';

export const MAX_EDIT_SIDE = 16;
export const MAX_WINDOW = 16;
export const MAX_STRIDE = 16;
export const DRAW_SIDE = 28;
const DRAW_PIXELS = 280;

/** Fills root with the playground and returns its controls by name. */
export function buildPoolingPage(root) {
  const el = {};
  const number = (id, testid, value, min, max, hint) => h('input', {
    id, name: id, type: 'number', inputmode: 'numeric', min: String(min), max: String(max), step: '1', value: String(value),
    dataset: { testid }, 'aria-describedby': hint ? `${id}-hint` : null,
  });

  // Settings shared by the three sections.
  el.modeMax = h('input', { type: 'radio', name: 'pool-mode', value: 'max', checked: true, dataset: { testid: 'pool-mode-max' } });
  el.modeAverage = h('input', { type: 'radio', name: 'pool-mode', value: 'average', dataset: { testid: 'pool-mode-average' } });
  el.window = number('pool-window', 'pool-window', 2, 1, MAX_WINDOW, true);
  el.stride = number('pool-stride', 'pool-stride', 2, 1, MAX_STRIDE, true);
  el.windowError = h('p', { class: 'field__error', id: 'pool-window-error', role: 'alert' });
  el.strideError = h('p', { class: 'field__error', id: 'pool-stride-error', role: 'alert' });
  el.lectureMatrix = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'pool-lecture-example' } },
    'Lecture example: 4×4 matrix, 2×2 stride 2');
  el.lectureImage = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'pool-lecture-image' } },
    'Lecture example: 200×200 image, 4×4 stride 4');

  const settings = h('section', { class: 'card pool-settings', 'aria-labelledby': 'pool-settings-heading' },
    h('h2', { id: 'pool-settings-heading', class: 'card__title' }, 'Pooling'),
    h('div', { class: 'pool-settings__row' },
      h('fieldset', { class: 'field choice choice--inline' },
        h('legend', {}, 'Mode'),
        h('label', { class: 'choice__option' }, el.modeMax, h('span', {}, 'max')),
        h('label', { class: 'choice__option' }, el.modeAverage, h('span', {}, 'average'))),
      h('div', { class: 'field' },
        h('label', { for: 'pool-window' }, 'Window'),
        el.window,
        h('p', { class: 'field__hint', id: 'pool-window-hint' }, 'w × w, 1–16'),
        el.windowError),
      h('div', { class: 'field' },
        h('label', { for: 'pool-stride' }, 'Stride'),
        el.stride,
        h('p', { class: 'field__hint', id: 'pool-stride-hint' }, 'step between windows, 1–16'),
        el.strideError)),
    h('div', { class: 'presets' }, el.lectureMatrix, el.lectureImage));

  // Matrix.
  el.rows = h('select', { id: 'pool-rows', dataset: { testid: 'pool-rows' } },
    Array.from({ length: MAX_EDIT_SIDE }, (_, i) => h('option', { value: String(i + 1) }, String(i + 1))));
  el.cols = h('select', { id: 'pool-cols', dataset: { testid: 'pool-cols' } },
    Array.from({ length: MAX_EDIT_SIDE }, (_, i) => h('option', { value: String(i + 1) }, String(i + 1))));
  el.random = h('button', { type: 'button', class: 'button button--link', dataset: { testid: 'pool-random' } }, 'Random 0–9');
  el.zeros = h('button', { type: 'button', class: 'button button--link', dataset: { testid: 'pool-zeros' } }, 'All zeros');
  el.inputGrid = h('table', { class: 'pool-grid pool-grid--input', dataset: { testid: 'pool-input-grid' } });
  el.resultGrid = h('table', { class: 'pool-grid pool-grid--result', dataset: { testid: 'pool-result-grid' } });
  el.matrixShape = h('p', { class: 'muted small pool-shape', dataset: { testid: 'pool-matrix-shape' } });
  el.explain = h('p', { class: 'pool-explain', role: 'status', 'aria-live': 'polite', dataset: { testid: 'pool-explain' } },
    'Point at (or focus) an output cell to see the input window it pools.');
  el.matrixError = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'pool-matrix-error' } });

  const matrix = h('section', { class: 'card', 'aria-labelledby': 'pool-matrix-heading' },
    h('h2', { id: 'pool-matrix-heading', class: 'card__title' }, 'Type a matrix'),
    h('p', { class: 'hint' }, 'Type numbers into the grid (arrow keys move between cells). The result updates as you type.'),
    h('div', { class: 'pool-matrix-controls' },
      h('div', { class: 'field' }, h('label', { for: 'pool-rows' }, 'Rows'), el.rows),
      h('div', { class: 'field' }, h('label', { for: 'pool-cols' }, 'Columns'), el.cols),
      h('div', { class: 'pool-matrix-controls__actions' }, el.random, el.zeros)),
    h('div', { class: 'pool-matrices' },
      h('div', { class: 'pool-matrices__side' }, h('h3', { class: 'pool-label', id: 'pool-input-label' }, 'Input'), el.inputGrid),
      h('div', { class: 'pool-matrices__arrow', 'aria-hidden': 'true' }, '→'),
      h('div', { class: 'pool-matrices__side' }, h('h3', { class: 'pool-label', id: 'pool-result-label' }, 'Result'), el.resultGrid)),
    el.matrixShape,
    el.explain,
    el.matrixError);

  // Drawing.
  el.drawCanvas = h('canvas', {
    width: DRAW_PIXELS, height: DRAW_PIXELS, class: 'pool-canvas pool-canvas--draw', tabindex: '0', role: 'application',
    'aria-roledescription': 'drawing grid',
    'aria-label': `Drawing grid, ${DRAW_SIDE} by ${DRAW_SIDE} cells. Arrow keys move the cursor, Space paints, Shift+arrows paint a line.`,
    dataset: { testid: 'pool-draw-canvas' },
  });
  el.drawResult = h('canvas', {
    width: DRAW_PIXELS, height: DRAW_PIXELS, class: 'pool-canvas', role: 'img', 'aria-label': 'The pooled drawing',
    dataset: { testid: 'pool-draw-result' },
  });
  el.drawClear = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'pool-draw-clear' } }, 'Clear');
  el.drawEraser = h('button', { type: 'button', class: 'button button--secondary', 'aria-pressed': 'false', dataset: { testid: 'pool-draw-eraser' } }, 'Eraser');
  el.drawInputSize = h('figcaption', { class: 'pool-caption' }, `Your drawing: ${DRAW_SIDE}×${DRAW_SIDE}`);
  el.drawOutputSize = h('figcaption', { class: 'pool-caption', dataset: { testid: 'pool-draw-sizes' } }, 'Pooled: –');
  el.drawError = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'pool-draw-error' } });

  const draw = h('section', { class: 'card', 'aria-labelledby': 'pool-draw-heading' },
    h('h2', { id: 'pool-draw-heading', class: 'card__title' }, 'Draw'),
    h('p', { class: 'hint' }, 'Draw with the mouse, a pen or a finger (right button or the eraser to erase); the drawing is pooled as you draw.'),
    h('div', { class: 'pool-pair' },
      h('figure', { class: 'pool-figure' }, el.drawCanvas, el.drawInputSize),
      h('figure', { class: 'pool-figure' }, el.drawResult, el.drawOutputSize)),
    h('div', { class: 'form-actions' }, el.drawClear, el.drawEraser),
    el.drawError);

  // Image.
  el.sourceLibrary = h('input', { type: 'radio', name: 'pool-source', value: 'library', checked: true, dataset: { testid: 'pool-source-library' } });
  el.sourceFile = h('input', { type: 'radio', name: 'pool-source', value: 'file', dataset: { testid: 'pool-source-file' } });
  el.imageSelect = h('select', { id: 'pool-image', dataset: { testid: 'pool-image-select' } });
  el.imageFile = h('input', {
    id: 'pool-image-file', type: 'file', accept: 'image/png,image/jpeg', dataset: { testid: 'pool-image-file' },
    'aria-describedby': 'pool-image-file-hint',
  });
  el.resize = h('input', { id: 'pool-resize', type: 'checkbox', checked: true, dataset: { testid: 'pool-image-resize' } });
  el.resizeSize = number('pool-resize-size', 'pool-image-resize-size', 200, 4, 1024, false);
  el.resizeSize.setAttribute('aria-label', 'Resize to this many pixels square');
  el.imageSubmit = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'pool-image-submit' } }, 'Pool image');
  el.imageStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'pool-image-status' } });
  el.imageError = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'pool-image-error' } });
  el.imageInput = h('img', { class: 'pool-image', alt: 'The input image in grayscale, as pooled', hidden: true, dataset: { testid: 'pool-image-input' } });
  el.imageOutput = h('img', { class: 'pool-image', alt: 'The pooled image', hidden: true, dataset: { testid: 'pool-image-output' } });
  el.imageInputSize = h('figcaption', { class: 'pool-caption', dataset: { testid: 'pool-image-input-size' } }, 'Input');
  el.imageOutputSize = h('figcaption', { class: 'pool-caption', dataset: { testid: 'pool-image-output-size' } }, 'Pooled');
  el.imageSummary = h('p', { class: 'pool-summary', dataset: { testid: 'pool-image-summary' } });
  el.imageForm = h('form', { novalidate: true },
    h('div', { class: 'field-row' },
      h('fieldset', { class: 'field choice' },
        h('legend', {}, 'Image'),
        h('label', { class: 'choice__option' }, el.sourceLibrary, h('span', {}, 'built-in or uploaded image')),
        h('label', { class: 'choice__option' }, el.sourceFile, h('span', {}, 'a file from this computer'))),
      h('div', { class: 'field' }, h('label', { for: 'pool-image' }, 'Library image'), el.imageSelect),
      h('div', { class: 'field' },
        h('label', { for: 'pool-image-file' }, 'PNG or JPEG file'),
        el.imageFile,
        h('p', { class: 'field__hint', id: 'pool-image-file-hint' }, 'at most 10 MB; pooled, not stored')),
      h('div', { class: 'field field--check' },
        h('label', { class: 'check', for: 'pool-resize' }, el.resize, h('span', {}, 'Resize to a square first')),
        h('div', { class: 'pool-resize' }, el.resizeSize, h('span', { 'aria-hidden': 'true' }, 'px')))),
    h('div', { class: 'form-actions' }, el.imageSubmit, el.imageStatus),
    el.imageError);
  el.imageEmpty = h('p', { class: 'image-frame__empty' }, 'Choose an image and press “Pool image”.');

  const image = h('section', { class: 'card pool-image-card', 'aria-labelledby': 'pool-image-heading' },
    h('h2', { id: 'pool-image-heading', class: 'card__title' }, 'Pool an image'),
    h('p', { class: 'hint' }, 'The image is converted to grayscale and, if you like, resized to a square; both are shown at the same size, so the pooled one looks coarser.'),
    el.imageForm,
    el.imageSummary,
    h('div', { class: 'pool-pair pool-pair--images' },
      h('figure', { class: 'pool-figure image-frame' }, el.imageInput, el.imageEmpty, el.imageInputSize),
      h('figure', { class: 'pool-figure image-frame' }, el.imageOutput, el.imageOutputSize)));

  root.replaceChildren(
    h('h1', { id: 'pooling-heading', class: 'page-title', tabindex: '-1' }, 'Pooling playground'),
    h('p', { class: 'hint pool-intro' },
      'Pooling summarizes each window of its input: max pooling keeps the largest value, average pooling the mean. ',
      'Without padding, an n-wide input with a w×w window and stride s gives ⌊(n − w) / s⌋ + 1 outputs per side. ',
      'The lecture: 2×2 windows with stride 2 take a 4×4 matrix to 2×2, and 4×4 windows with stride 4 take a 200×200 image to 50×50.'),
    settings,
    h('div', { class: 'pool-layout' }, matrix, draw),
    image);
  return el;
}
