/**
 * Second-stage trials on the dev set's TUNE split (never the held split), without changing the retriever:
 *   npx tsx scripts/tune/rerank-trials.ts --pairs /path/to/agri-qa/dev.jsonl
 * Ingests the split as `npm run eval` does, takes each question's top 30 documents with their raw scores, then
 * re-ranks them offline with signals learned from the ingested chunks alone and prints Recall@1 / Recall@5 / MRR
 * for each:
 *   exp    PPMI co-occurrence (chunk level) query expansion: each question word's k nearest words, as a BM25 term
 *   cos2   second-order similarity: question and chunk as sums of their words' PPMI vectors, cosine
 *   rm3    pseudo-relevance feedback: the top k chunks' words, weighted by score, as a BM25 term
 *   fuse   plain Okapi BM25 over the same chunks, added normalised
 * and, for every miss, how many of the question's words the right answer lacks that no chunk of the knowledge
 * base holds at all (df 0): no signal learned from the knowledge base can bridge those.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createServices } from '../../src/compose.ts';
import { pairSplitOf, readPairs } from '../../src/cli/calibration-data.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string' }, split: { type: 'string', default: 'tune' } } });
if (!values.pairs || values.split === 'held') {
  console.error('用法: --pairs <dev.jsonl>（只在 tune 切分上试）');
  process.exit(2);
}
const pairs = (await readPairs(values.pairs)).filter((p) => values.split === 'all' || pairSplitOf(p.id) === values.split);

interface Hit { chunk: string; doc: string; score: number }
interface Question { tokens: string[]; right: string; hits: Hit[] }

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });
const chunks = new Map<string, { doc: string; tokens: string[] }>();
const questions: Question[] = [];
try {
  await migrate(db);
  const { knowledge: kb } = await createServices(config, db);
  const ids = new Map<string, string>();
  for (const [i, p] of pairs.entries()) {
    const r = await kb.store.upsert({ sourceKey: `eval:${p.id}`, title: `资料 ${i + 1}`, category: 'faq', format: 'markdown', content: p.answer });
    ids.set(p.id, r.id);
  }
  const { rows } = await db.pool.query<{ id: string; document_id: string; title: string; heading_path: string[]; content: string }>(
    'SELECT c.id, c.document_id, d.title, c.heading_path, c.content FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id',
  );
  for (const c of rows) chunks.set(String(c.id), { doc: c.document_id, tokens: kb.tokenizer.tokens([c.title, ...c.heading_path, c.content].join('\n')) });
  for (const p of pairs) {
    const hits = await kb.retriever.search(p.question, { limit: 30 });
    questions.push({ tokens: kb.tokenizer.tokens(p.question), right: ids.get(p.id)!, hits: hits.map((h) => ({ chunk: h.chunkId, doc: h.documentId, score: h.checks.score })) });
  }
} finally {
  await db.close();
}

// Corpus statistics over the ingested chunks: what ingestion could store.
const N = chunks.size;
const df = new Map<string, number>();
const tfs = new Map<string, Map<string, number>>();
const co = new Map<string, Map<string, number>>();
for (const [id, c] of chunks) {
  const tf = new Map<string, number>();
  for (const t of c.tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  tfs.set(id, tf);
  const words = [...tf.keys()].filter((t) => t.length > 1);
  for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  for (const x of words) {
    let m = co.get(x);
    if (!m) co.set(x, (m = new Map()));
    for (const y of words) if (y !== x) m.set(y, (m.get(y) ?? 0) + 1);
  }
}
const avgLen = [...chunks.values()].reduce((n, c) => n + c.tokens.length, 0) / Math.max(N, 1);
const idf = (t: string) => Math.log(1 + (N - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
const ppmi = (x: string, y: string) => {
  const n = co.get(x)?.get(y) ?? 0;
  return n ? Math.max(0, Math.log((n * N) / (df.get(x)! * df.get(y)!))) : 0;
};
const lenOf = (id: string) => chunks.get(id)!.tokens.length;
const words = (q: Question) => [...new Set(q.tokens.filter((t) => t.length > 1))];

/** Saturated, length-normalised BM25 of weighted terms, over the sum of the weights (0..1). */
function bm25(id: string, terms: Map<string, number>): number {
  const tf = tfs.get(id)!;
  const norm = 1 - 0.75 + (0.75 * lenOf(id)) / avgLen;
  let s = 0, total = 0;
  for (const [t, w] of terms) {
    total += w;
    const f = (tf.get(t) ?? 0) / norm;
    if (f) s += (w * f) / (f + 1.2);
  }
  return total ? s / total : 0;
}

function report(name: string, extra: (q: Question) => (h: Hit) => number): void {
  let r1 = 0, r5 = 0, mrr = 0;
  for (const q of questions) {
    const f = extra(q);
    const ranked = q.hits.map((h) => ({ h, s: h.score + f(h) })).sort((a, b) => b.s - a.s);
    const rank = ranked.findIndex((x) => x.h.doc === q.right) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank) mrr += 1 / rank;
  }
  const n = questions.length;
  console.log(`${(r1 / n).toFixed(3)} ${(r5 / n).toFixed(3)} ${(mrr / n).toFixed(3)}  ${name}`);
}

report('(shipped)', () => () => 0);
for (const k of [3, 5, 10]) for (const w of [0.05, 0.1, 0.2, 0.4]) {
  report(`exp k=${k} w=${w}`, (q) => {
    const asked = words(q);
    const exp = new Map<string, number>();
    for (const t of asked) {
      const near = [...(co.get(t)?.keys() ?? [])].map((y) => [y, ppmi(t, y)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, k);
      for (const [y, v] of near) if (!asked.includes(y)) exp.set(y, (exp.get(y) ?? 0) + v * idf(t) * idf(y));
    }
    return (h) => w * bm25(h.chunk, exp);
  });
}
const vectorOf = (terms: Iterable<string>) => {
  const v = new Map<string, number>();
  for (const t of terms) {
    v.set(t, (v.get(t) ?? 0) + 3 * idf(t));
    for (const y of co.get(t)?.keys() ?? []) v.set(y, (v.get(y) ?? 0) + idf(t) * ppmi(t, y));
  }
  return v;
};
const cosine = (a: Map<string, number>, b: Map<string, number>) => {
  let d = 0, na = 0, nb = 0;
  for (const [k, x] of a) { na += x * x; d += x * (b.get(k) ?? 0); }
  for (const y of b.values()) nb += y * y;
  return na && nb ? d / Math.sqrt(na * nb) : 0;
};
const chunkVectors = new Map([...chunks.keys()].map((id) => [id, vectorOf([...tfs.get(id)!.keys()].filter((t) => t.length > 1))]));
for (const w of [0.05, 0.1, 0.2, 0.4]) report(`cos2 w=${w}`, (q) => { const v = vectorOf(words(q)); return (h) => w * cosine(v, chunkVectors.get(h.chunk)!); });
for (const k of [3, 5, 10]) for (const w of [0.1, 0.2, 0.4]) {
  report(`rm3 k=${k} terms=20 w=${w}`, (q) => {
    const top = q.hits.slice(0, k);
    const mass = top.reduce((s, h) => s + Math.exp(5 * h.score), 0);
    const p = new Map<string, number>();
    for (const h of top) for (const [t, f] of tfs.get(h.chunk)!) if (t.length > 1) p.set(t, (p.get(t) ?? 0) + (Math.exp(5 * h.score) / mass) * (f / lenOf(h.chunk)) * idf(t));
    const exp = new Map([...p].sort((a, b) => b[1] - a[1]).slice(0, 20));
    return (h) => w * bm25(h.chunk, exp);
  });
}
for (const w of [0.1, 0.3, 0.5]) {
  report(`fuse bm25 w=${w}`, (q) => {
    const asked = new Map([...new Set(q.tokens)].map((t) => [t, idf(t)]));
    return (h) => w * bm25(h.chunk, asked);
  });
}

// The ceiling: misses whose right answer lacks question words that the whole knowledge base lacks too.
let misses = 0, unbridgeable = 0;
for (const q of questions) {
  if (q.hits[0]?.doc === q.right) continue;
  misses++;
  const right = new Set([...chunks.values()].filter((c) => c.doc === q.right).flatMap((c) => c.tokens));
  if (words(q).some((t) => !right.has(t) && !df.has(t))) unbridgeable++;
}
console.log(`misses ${misses}; of them, the right answer lacks a question word no chunk holds: ${unbridgeable}`);
