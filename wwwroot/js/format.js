// Small, locale-aware formatting helpers shared by the views.

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatInteger(value) {
  return Number.isFinite(value) ? numberFormat.format(value) : '–';
}

/** Reconstruction errors span several orders of magnitude across settings; keep 4 significant digits. */
export function formatError(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value >= 1000 ? numberFormat.format(value) : Number(value.toPrecision(4)).toString();
}

export function formatRate(samplesPerSecond) {
  return Number.isFinite(samplesPerSecond) && samplesPerSecond > 0 ? `${numberFormat.format(samplesPerSecond)} samples/s` : '–';
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function formatDate(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '–' : dateFormat.format(date);
}

export function formatTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '–' : timeFormat.format(date);
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** [1,2,3,4,5,7] → "1–5, 7"; null or empty → every digit. */
export function formatClasses(classes) {
  if (!Array.isArray(classes) || classes.length === 0) return '0–9';
  const sorted = [...new Set(classes)].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j;
  }
  return parts.join(', ');
}

/** Job ids are GUIDs; compare them without caring about case or braces. */
export function sameId(a, b) {
  return a !== null && a !== undefined && b !== null && b !== undefined
    && String(a).toLowerCase() === String(b).toLowerCase();
}

export const TERMINAL_STATUSES = new Set(['Succeeded', 'Failed', 'Canceled']);

export function isTerminal(status) {
  return TERMINAL_STATUSES.has(status);
}

/** What a queued job waits for: its place in the fair queue and expected start (job.queue from the API). */
export function formatQueueSlot(queue) {
  if (!queue) return 'queued';
  return `queued: #${queue.position}, starts ≈ ${formatTime(queue.estimatedStartAt)}`;
}
