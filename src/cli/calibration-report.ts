/**
 * What a confidence is worth, read off labelled samples: the precision/coverage curve, a reliability
 * table (mean predicted probability against the observed rate per bin) with its expected calibration
 * error, and the operating point at a threshold.
 */
import type { Sample } from './calibration-data.ts';

const round = (x: number) => Math.round(x * 1000) / 1000;
const ratio = (a: number, b: number) => (b ? round(a / b) : null);

/** Answered at threshold t: the probability reaches it and the passage passes the answer-type and subject checks. */
export function answeredAt(s: Sample, t: number): boolean {
  return !s.failed && Boolean(s.features) && s.p >= t;
}

export function precisionCoverage(samples: Sample[], thresholds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
  return thresholds.map((t) => {
    const answered = samples.filter((s) => answeredAt(s, t));
    return {
      threshold: t,
      coverage: ratio(answered.length, samples.length),
      precision: ratio(answered.filter((s) => s.right).length, answered.length),
    };
  });
}

export function reliability(samples: Sample[], bins = 10) {
  const table = Array.from({ length: bins }, (_, b) => ({ bin: `${(b / bins).toFixed(1)}-${((b + 1) / bins).toFixed(1)}`, n: 0, predicted: 0, observed: 0 }));
  for (const s of samples) {
    const row = table[Math.min(bins - 1, Math.floor(s.p * bins))];
    row.n++;
    row.predicted += s.p;
    row.observed += s.right ? 1 : 0;
  }
  let ece = 0;
  for (const row of table) {
    if (!row.n) continue;
    ece += (row.n / samples.length) * Math.abs(row.predicted / row.n - row.observed / row.n);
    row.predicted = round(row.predicted / row.n);
    row.observed = round(row.observed / row.n);
  }
  return { table: table.filter((r) => r.n), ece: round(ece) };
}

export function operatingPoint(samples: Sample[], threshold: number) {
  const answered = samples.filter((s) => answeredAt(s, threshold));
  const known = samples.filter((s) => s.known);
  const unknown = samples.filter((s) => !s.known);
  return {
    threshold,
    precisionOfAnswers: ratio(answered.filter((s) => s.right).length, answered.length),
    inKbAnsweredRight: ratio(known.filter((s) => s.right && answeredAt(s, threshold)).length, known.length),
    outOfKbEscalated: ratio(unknown.filter((s) => !answeredAt(s, threshold)).length, unknown.length),
    answered: answered.length,
    questions: samples.length,
  };
}

/** The lowest threshold whose answers reach the wanted precision (1 when none does). */
export function thresholdFor(samples: Sample[], precision: number): number {
  for (let k = 5; k <= 99; k++) {
    const t = k / 100;
    const answered = samples.filter((s) => answeredAt(s, t));
    if (answered.length && answered.filter((s) => s.right).length / answered.length >= precision) return t;
  }
  return 1;
}

export function calibrationReport(samples: Sample[], threshold: number) {
  const { table, ece } = reliability(samples);
  return { samples: samples.length, precisionCoverage: precisionCoverage(samples), reliability: table, ece, operatingPoint: operatingPoint(samples, threshold) };
}
