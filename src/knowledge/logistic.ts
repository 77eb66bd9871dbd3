/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares).
 * Written here because the npm candidates do not fit cleanly: ml-logistic-regression trains by fixed-step
 * gradient descent without a penalty and answers class labels, not probabilities. The problem is small
 * (a dozen features, a few hundred examples), so a dense Newton step converges in a handful of iterations
 * and gives the same weights on every run, which keeps `npm run calibrate` reproducible.
 */
export interface LogisticModel {
  /** feature order of `weights` */
  features: string[];
  /** standardisation learnt from the training rows: x' = (x - mean) / scale */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, z))));
}

export function predict(model: LogisticModel, x: number[]): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j] * ((x[j] - model.mean[j]) / model.scale[j]);
  return sigmoid(z);
}

/** Fits weights minimising log-loss + (l2 / 2)·|w|² (the bias is not penalised). */
export function fitLogistic(features: string[], rows: number[][], labels: number[], l2 = 1, iterations = 50): LogisticModel {
  if (rows.length !== labels.length || !rows.length) throw new Error(`fitLogistic: ${rows.length} rows and ${labels.length} labels; need the same number, at least one`);
  const d = features.length;
  if (rows.some((r) => r.length !== d)) throw new Error(`fitLogistic: every row needs ${d} values (${features.join(', ')})`);
  const mean = features.map((_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const scale = features.map((_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / rows.length) || 1);
  const X = rows.map((r) => [1, ...r.map((v, j) => (v - mean[j]) / scale[j])]);
  const w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < X.length; i++) {
      const p = sigmoid(X[i].reduce((s, v, j) => s + v * w[j], 0));
      const r = p - labels[i];
      const h = p * (1 - p);
      for (let a = 0; a <= d; a++) {
        grad[a] += r * X[i][a];
        for (let b = 0; b <= d; b++) hess[a][b] += h * X[i][a] * X[i][b];
      }
    }
    for (let a = 1; a <= d; a++) {
      grad[a] += l2 * w[a];
      hess[a][a] += l2;
    }
    hess[0][0] += 1e-9;
    const step = solve(hess, grad);
    let change = 0;
    for (let a = 0; a <= d; a++) {
      w[a] -= step[a];
      change = Math.max(change, Math.abs(step[a]));
    }
    if (change < 1e-10) break;
  }
  return { features, mean, scale, weights: w.slice(1), bias: w[0] };
}

/** Gaussian elimination with partial pivoting: A·x = b for a small dense symmetric positive-definite A. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[pivot][c])) pivot = r;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    const p = M[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / p;
      if (f) for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / (M[r][r] || 1e-12);
  }
  return x;
}
