// What the monitoring numbers of an RBM say, in words beside the charts: a run that diverged, hidden units that died
// or saturated (both: the learning rate ε is too large), and a growing free-energy gap between held-out and training
// data (overfitting). Pure: reports in, hints out — the monitoring panel shows them.

/** Share of hidden units that are dead or saturated from which the hint shows. */
export const UNHEALTHY_SHARE = 0.2;
/** Epochs over which the free-energy gap must keep growing to count as overfitting. */
export const GAP_EPOCHS = 3;

/**
 * @param {{ epoch: number, report: object }[]} rows the epochs' monitoring reports, oldest first
 * @returns {{ kind: 'diverged'|'units'|'overfitting', text: string }[]}
 */
export function trainingHints(rows) {
  const hints = [];
  const latest = rows.at(-1)?.report;
  if (!latest) return hints;

  // The server sends non-finite values as null: a squared error that was a number and no longer is has blown up.
  const errors = rows.map((r) => r.report.squaredError);
  const best = Math.min(...errors.filter(Number.isFinite));
  if ((latest.squaredError === null && errors.some(Number.isFinite)) || latest.freeEnergyTrain === null) {
    hints.push({ kind: 'diverged', text: 'Training diverged: the reconstruction error or the free energy is no longer a finite number. Lower the learning rate ε and train again.' });
  } else if (Number.isFinite(best) && rows.length > 1 && latest.squaredError > 2 * best) {
    hints.push({ kind: 'diverged', text: `Training is diverging: the reconstruction error is ${(latest.squaredError / best).toFixed(1)}× its best. Lower the learning rate ε.` });
  }

  const units = latest.hiddenMeanActivation?.length ?? 0;
  const unhealthy = (latest.deadUnits ?? 0) + (latest.saturatedUnits ?? 0);
  if (units > 0 && unhealthy / units >= UNHEALTHY_SHARE) {
    hints.push({ kind: 'units', text: `${unhealthy} of ${units} hidden units are dead (${latest.deadUnits}, mean activation below 0.01) or saturated (${latest.saturatedUnits}, above 0.99): they no longer learn. Lower the learning rate ε.` });
  }

  const gaps = rows.slice(-(GAP_EPOCHS + 1)).map((r) => r.report.freeEnergyHeldOut - r.report.freeEnergyTrain);
  if (gaps.length === GAP_EPOCHS + 1 && gaps.every(Number.isFinite) && gaps.every((gap, i) => i === 0 || gap > gaps[i - 1]) && gaps.at(-1) > 0) {
    hints.push({ kind: 'overfitting', text: `The free-energy gap between held-out and training digits grew for ${GAP_EPOCHS} epochs (${gaps[0].toFixed(2)} → ${gaps.at(-1).toFixed(2)}): the RBM starts to overfit. Stop earlier, train on more data or add weight decay.` });
  }
  return hints;
}
