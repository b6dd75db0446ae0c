/**
 * Leave-one-out linear prediction (docs/studies.md#statistics): for each observation i, the
 * least-squares line y = a + b x fitted on all the others predicts y_i. Reports the
 * predictions, their errors and q^2 = 1 - PRESS / sum (y - mean y)^2 (the out-of-sample share
 * of variance explained; it can be negative). [M22] scores networks by a topological descriptor
 * of their training logits; this says how well that predicts test accuracy on unseen networks.
 */
import { invalidInput } from '../core/errors.js';

export interface LeaveOneOutResult {
  /** predicted y_i from the line fitted without observation i */
  predictions: number[];
  /** y_i - prediction_i */
  residuals: number[];
  /** sqrt(mean residual^2) */
  rmse: number;
  /** mean |residual| */
  mae: number;
  /** 1 - PRESS / TSS */
  q2: number;
  /** the line fitted on all observations */
  slope: number;
  intercept: number;
}

export function leaveOneOutLinear(x0: ArrayLike<number>, y0: ArrayLike<number>): LeaveOneOutResult {
  const n = x0.length;
  if (y0.length !== n) {
    throw invalidInput(
      `leave-one-out: ${n} predictors and ${y0.length} responses; they must match.`,
    );
  }
  if (n < 3) throw invalidInput(`leave-one-out needs at least 3 observations, got ${n}.`);
  let mx0 = 0;
  let my0 = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x0[i]) || !Number.isFinite(y0[i])) {
      throw invalidInput(
        `leave-one-out: observation ${i} is (${x0[i]}, ${y0[i]}); values must be finite.`,
      );
    }
    mx0 += x0[i] / n;
    my0 += y0[i] / n;
  }
  // centred copies, so that the running sums do not cancel
  const x = Float64Array.from(x0, (v) => v - mx0);
  const y = Float64Array.from(y0, (v) => v - my0);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  const fit = (m: number, Sx: number, Sy: number, Sxx: number, Sxy: number) => {
    const mx = Sx / m;
    const my = Sy / m;
    const vx = Sxx - m * mx * mx;
    const slope = vx > 0 ? (Sxy - m * mx * my) / vx : 0;
    return { slope, intercept: my - slope * mx };
  };
  const predictions: number[] = [];
  const residuals: number[] = [];
  let press = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const { slope, intercept } = fit(
      n - 1,
      sx - x[i],
      sy - y[i],
      sxx - x[i] * x[i],
      sxy - x[i] * y[i],
    );
    const p = intercept + slope * x[i];
    predictions.push(p + my0);
    residuals.push(y[i] - p);
    press += (y[i] - p) ** 2;
    abs += Math.abs(y[i] - p);
  }
  const my = sy / n;
  let tss = 0;
  for (let i = 0; i < n; i++) tss += (y[i] - my) ** 2;
  const all = fit(n, sx, sy, sxx, sxy);
  return {
    predictions,
    residuals,
    rmse: Math.sqrt(press / n),
    mae: abs / n,
    q2: tss > 0 ? 1 - press / tss : NaN,
    slope: all.slope,
    intercept: all.intercept + my0 - all.slope * mx0,
  };
}
