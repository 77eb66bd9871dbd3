import { RANK_FEATURES, type RankFeatureName, type RankFeatures } from './scoring.ts';

/** One question's candidates: each candidate's features, and which candidates are (part of) the right answer. */
export interface RankingExample {
  features: RankFeatures[];
  /** each candidate's document (a document's chunks are candidates of their own) */
  documents: string[];
  right: boolean[];
}

export interface RankerFitOptions {
  /** the features whose weights are fitted; the others keep their starting weight */
  fitted: RankFeatureName[];
  /** softmax temperature: scores are multiplied by this before the softmax (scores live on a 0..3 scale) */
  sharpness?: number;
  /** pull towards the starting weights */
  l2?: number;
  iterations?: number;
  learningRate?: number;
}

/**
 * Listwise learning to rank: the weights that maximise, over the questions, the softmax probability of the
 * right candidates among all of a question's candidates (ListNet with one relevant document), by gradient
 * descent from `start` with an L2 pull back to it. Questions whose right answer is not a candidate teach
 * nothing and are skipped. Deterministic.
 */
export function fitRankWeights(examples: RankingExample[], start: RankFeatures, opts: RankerFitOptions): RankFeatures {
  const keys = [...RANK_FEATURES];
  const fitted = new Set(opts.fitted);
  const T = opts.sharpness ?? 10;
  const l2 = opts.l2 ?? 0.01;
  const lr = opts.learningRate ?? 0.05;
  const usable = examples.filter((e) => e.right.some(Boolean) && e.right.some((r) => !r));
  const w = keys.map((k) => start[k]);
  const w0 = [...w];
  const rows = usable.map((e) => e.features.map((f) => keys.map((k) => f[k])));
  for (let it = 0; it < (opts.iterations ?? 2000); it++) {
    const grad = keys.map(() => 0);
    rows.forEach((cands, q) => {
      const s = cands.map((f) => T * f.reduce((a, x, j) => a + x * w[j], 0));
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      const zr = e.reduce((a, b, i) => a + (usable[q].right[i] ? b : 0), 0);
      cands.forEach((f, i) => {
        // d(-log(zr/z))/ds_i = p_i − (right ? e_i/zr : 0)
        const g = e[i] / z - (usable[q].right[i] ? e[i] / zr : 0);
        for (let j = 0; j < f.length; j++) grad[j] += T * g * f[j];
      });
    });
    for (let j = 0; j < keys.length; j++) {
      if (!fitted.has(keys[j])) continue;
      w[j] -= lr * (grad[j] / Math.max(rows.length, 1) + l2 * (w[j] - w0[j]));
    }
  }
  return Object.fromEntries(keys.map((k, j) => [k, Math.round(w[j] * 1e4) / 1e4])) as RankFeatures;
}

/** Recall@1 and MRR of the weights over the examples, a question without its answer among them counting 0. */
export function rankQuality(examples: RankingExample[], weights: RankFeatures): { recallAt1: number; mrr: number } {
  const keys = [...RANK_FEATURES];
  let r1 = 0, mrr = 0;
  for (const e of examples) {
    // a document scores as its best chunk, as the retriever keeps one passage a document
    const byDoc = new Map<string, { score: number; right: boolean }>();
    e.features.forEach((f, i) => {
      const score = keys.reduce((a, k) => a + weights[k] * f[k], 0);
      const d = byDoc.get(e.documents[i]);
      if (!d || score > d.score) byDoc.set(e.documents[i], { score, right: e.right[i] });
    });
    const own = [...byDoc.values()].find((d) => d.right);
    if (!own) continue;
    const rank = 1 + [...byDoc.values()].filter((d) => !d.right && d.score > own.score).length;
    if (rank === 1) r1++;
    mrr += 1 / rank;
  }
  const n = Math.max(examples.length, 1);
  return { recallAt1: r1 / n, mrr: mrr / n };
}
