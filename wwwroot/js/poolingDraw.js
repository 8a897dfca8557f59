// A small drawing grid on a canvas (mouse, pen, touch and keyboard), and a painter for pooled grids.
// Values are intensities in [0,1]; 1 is ink (drawn dark on a light background).

const INK = [27, 35, 48];
const PAPER = [255, 255, 255];

function shade(value) {
  const v = Math.min(1, Math.max(0, value));
  const c = PAPER.map((p, i) => Math.round(p + (INK[i] - p) * v));
  return `rgb(${c[0]} ${c[1]} ${c[2]})`;
}

/** Paints a rows × cols grid of values (row-major array of rows) filling the canvas. */
export function paintGrid(canvas, rows, cols, cellValue, { cursor = null, lines = true } = {}) {
  const context = canvas.getContext('2d');
  const cw = canvas.width / cols;
  const ch = canvas.height / rows;
  context.fillStyle = shade(0);
  context.fillRect(0, 0, canvas.width, canvas.height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = cellValue(r, c);
      if (v > 0) {
        context.fillStyle = shade(v);
        // Whole pixels so neighbouring cells meet without seams.
        const x0 = Math.round(c * cw);
        const y0 = Math.round(r * ch);
        context.fillRect(x0, y0, Math.round((c + 1) * cw) - x0, Math.round((r + 1) * ch) - y0);
      }
    }
  }
  if (lines && cw >= 6) {
    context.strokeStyle = 'rgb(0 0 0 / 7%)';
    context.lineWidth = 1;
    context.beginPath();
    for (let c = 1; c < cols; c++) {
      const x = Math.round(c * cw) + 0.5;
      context.moveTo(x, 0);
      context.lineTo(x, canvas.height);
    }
    for (let r = 1; r < rows; r++) {
      const y = Math.round(r * ch) + 0.5;
      context.moveTo(0, y);
      context.lineTo(canvas.width, y);
    }
    context.stroke();
  }
  if (cursor) {
    context.strokeStyle = '#e07a1f';
    context.lineWidth = 2;
    context.strokeRect(cursor.col * cw + 1, cursor.row * ch + 1, cw - 2, ch - 2);
  }
}

export class DrawPad {
  #canvas;
  #size;
  #onChange;
  #values;
  #drawing = false;
  #erasing = false;
  #last = null;
  #cursor = { row: 0, col: 0 };
  #focused = false;
  eraser = false;

  /**
   * @param {HTMLCanvasElement} canvas focusable canvas; its width/height are the drawing resolution on screen
   * @param {number} size the grid is size × size cells
   * @param {() => void} onChange called after every change
   */
  constructor(canvas, size, onChange) {
    this.#canvas = canvas;
    this.#size = size;
    this.#onChange = onChange;
    this.#values = new Float32Array(size * size);
    this.#cursor = { row: Math.floor(size / 2), col: Math.floor(size / 2) };
    canvas.addEventListener('pointerdown', (event) => this.#pointerDown(event));
    canvas.addEventListener('pointermove', (event) => this.#pointerMove(event));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
      canvas.addEventListener(type, () => { this.#drawing = false; this.#last = null; });
    }
    canvas.addEventListener('keydown', (event) => this.#keyDown(event));
    canvas.addEventListener('focus', () => { this.#focused = true; this.render(); });
    canvas.addEventListener('blur', () => { this.#focused = false; this.render(); });
    canvas.addEventListener('contextmenu', (event) => event.preventDefault());
    this.render();
  }

  get size() { return this.#size; }

  /** The grid as an array of rows. */
  rows() {
    const rows = [];
    for (let r = 0; r < this.#size; r++) rows.push(Array.from(this.#values.subarray(r * this.#size, (r + 1) * this.#size), (v) => Math.round(v * 1000) / 1000));
    return rows;
  }

  get isEmpty() { return this.#values.every((v) => v === 0); }

  clear() {
    this.#values.fill(0);
    this.render();
    this.#onChange();
  }

  render() {
    const size = this.#size;
    paintGrid(this.#canvas, size, size, (r, c) => this.#values[r * size + c], { cursor: this.#focused ? this.#cursor : null });
  }

  #cellAt(event) {
    const rect = this.#canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * this.#size);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * this.#size);
    return { row: Math.min(this.#size - 1, Math.max(0, row)), col: Math.min(this.#size - 1, Math.max(0, col)) };
  }

  #pointerDown(event) {
    if (event.button !== 0 && event.button !== 2) return;
    event.preventDefault();
    this.#canvas.focus({ preventScroll: true });
    this.#canvas.setPointerCapture?.(event.pointerId);
    this.#drawing = true;
    const erase = this.eraser || event.button === 2;
    this.#erasing = erase;
    const cell = this.#cellAt(event);
    this.#stroke(cell, cell, erase);
    this.#last = cell;
  }

  #pointerMove(event) {
    if (!this.#drawing) return;
    event.preventDefault();
    const cell = this.#cellAt(event);
    if (this.#last && cell.row === this.#last.row && cell.col === this.#last.col) return;
    this.#stroke(this.#last ?? cell, cell, this.#erasing);
    this.#last = cell;
  }

  #keyDown(event) {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      const [dr, dc] = moves[event.key];
      const next = {
        row: Math.min(this.#size - 1, Math.max(0, this.#cursor.row + dr)),
        col: Math.min(this.#size - 1, Math.max(0, this.#cursor.col + dc)),
      };
      const from = this.#cursor;
      this.#cursor = next;
      if (event.shiftKey) this.#stroke(from, next, this.eraser);
      else this.render();
    } else if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault();
      this.#stroke(this.#cursor, this.#cursor, this.eraser);
    }
  }

  /** Paints (or erases) a soft round brush along the straight line between two cells. */
  #stroke(from, to, erase) {
    const steps = Math.max(Math.abs(to.row - from.row), Math.abs(to.col - from.col), 1);
    for (let i = 0; i <= steps; i++) {
      const row = Math.round(from.row + ((to.row - from.row) * i) / steps);
      const col = Math.round(from.col + ((to.col - from.col) * i) / steps);
      this.#dab(row, col, erase);
    }
    this.render();
    this.#onChange();
  }

  #dab(row, col, erase) {
    const size = this.#size;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const r = row + dr;
        const c = col + dc;
        if (r < 0 || c < 0 || r >= size || c >= size) continue;
        const weight = dr === 0 && dc === 0 ? 1 : (dr === 0 || dc === 0 ? 0.5 : 0.15);
        const index = r * size + c;
        this.#values[index] = erase
          ? Math.max(0, this.#values[index] - weight)
          : Math.max(this.#values[index], weight);
      }
    }
  }
}
