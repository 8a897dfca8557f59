// The pooling playground's arithmetic and grid helpers: value formatting, output sizes, resizing the matrix,
// and moving the focus between the cells of a grid with the keyboard.

/** 4 → "4", 2.5 → "2.5", 2.6666667 → "2.667", 0.000123 → "0.000123". */
export function formatValue(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Math.abs(value) >= 1 ? Number(value.toFixed(3)) : Number(value.toPrecision(3)));
}

/** ⌊(n − window) / stride⌋ + 1, or 0 when the window does not fit. */
export const outputSide = (n, window, stride) => (window > n ? 0 : Math.floor((n - window) / stride) + 1);

export const modeName = (mode) => (mode === 'average' ? 'Average' : 'Max');

/** Keeps what fits of the old matrix and fills new cells with 0. */
export function resizeMatrix(matrix, rows, cols) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => matrix[r]?.[c] ?? 0));
}

/** Arrow keys (and Enter, downwards) move the focus between the cells of a grid. */
export function moveInGrid(event, table, selector) {
  const current = event.target.closest(selector);
  if (!current?.dataset.row) return;
  const row = Number(current.dataset.row);
  const col = Number(current.dataset.col);
  const isInput = current.tagName === 'INPUT';
  const atStart = !isInput || (current.selectionStart === 0 && current.selectionEnd === 0)
    || (current.selectionStart === 0 && current.selectionEnd === current.value.length);
  const atEnd = !isInput || current.selectionEnd === current.value.length;
  let next = null;
  switch (event.key) {
    case 'ArrowUp': next = [row - 1, col]; break;
    case 'ArrowDown': next = [row + 1, col]; break;
    case 'Enter': next = isInput ? [row + 1, col] : null; break;
    case 'ArrowLeft': next = atStart ? [row, col - 1] : null; break;
    case 'ArrowRight': next = atEnd ? [row, col + 1] : null; break;
    case 'Home': next = isInput ? null : [row, 0]; break;
    case 'End': next = isInput ? null : [row, Number.MAX_SAFE_INTEGER]; break;
    default: return;
  }
  if (!next) return;
  const cells = [...table.querySelectorAll(`${selector}[data-row="${next[0]}"]`)];
  const target = next[1] === Number.MAX_SAFE_INTEGER ? cells.at(-1) : cells.find((c) => Number(c.dataset.col) === next[1]);
  event.preventDefault();
  if (!target) return;
  if (!isInput) {
    current.tabIndex = -1;
    target.tabIndex = 0;
  }
  target.focus();
}
