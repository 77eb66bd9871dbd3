/**
 * Retrieval evaluation: `npm run eval -- --pairs <file.jsonl> [--limit N] [--split]`.
 * In a throw-away in-memory database, ingest each pair's answer as a document with a neutral title,
 * ask each question, and report Recall@1, Recall@5, MRR and time per query.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { createKnowledge } from '../knowledge/index.ts';

interface Pair {
  id: string;
  question: string;
  answer: string;
}

const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    limit: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
if (!values.pairs) {
  console.error('用法: npm run eval -- --pairs <file.jsonl> [--limit N] [--verbose]');
  process.exit(2);
}

const pairs: Pair[] = (await readFile(values.pairs, 'utf8'))
  .split('\n')
  .filter((l) => l.trim())
  .map((l, i) => {
    const o = JSON.parse(l) as Partial<Pair>;
    if (!o.question || !o.answer) throw new Error(`${values.pairs} line ${i + 1}: needs question and answer`);
    return { id: o.id ?? String(i + 1), question: o.question, answer: o.answer };
  })
  .slice(0, values.limit ? Number(values.limit) : undefined);

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });
try {
  await migrate(db);
  const kb = await createKnowledge(config, db);
  const t0 = performance.now();
  const docIds = new Map<string, string>();
  for (const [i, p] of pairs.entries()) {
    // A neutral title: the question must never be in the document it is meant to find.
    const r = await kb.store.upsert({
      sourceKey: `eval:${p.id}`,
      title: `资料 ${i + 1}`,
      category: 'faq',
      format: 'markdown',
      content: p.answer,
    });
    docIds.set(p.id, r.id);
  }
  const ingestMs = performance.now() - t0;
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  const times: number[] = [];
  for (const p of pairs) {
    const t = performance.now();
    const hits = await kb.retriever.search(p.question, { limit: 10 });
    times.push(performance.now() - t);
    const rank = hits.findIndex((h) => h.documentId === docIds.get(p.id)) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1) mrr += 1 / rank;
    if (values.verbose && rank !== 1) {
      console.log(`✗ ${p.id} rank=${rank || '-'} ${p.question.slice(0, 40)} | top: ${hits[0]?.content.slice(0, 40)}`);
    }
  }
  times.sort((a, b) => a - b);
  const n = pairs.length;
  const pct = (q: number) => times[Math.min(n - 1, Math.floor(q * n))].toFixed(1);
  console.log(
    JSON.stringify(
      {
        pairs: n,
        embedder: kb.embedder.id,
        recallAt1: +(r1 / n).toFixed(3),
        recallAt5: +(r5 / n).toFixed(3),
        mrr: +(mrr / n).toFixed(3),
        msPerQuery: { mean: +(times.reduce((a, b) => a + b, 0) / n).toFixed(1), p50: +pct(0.5), p95: +pct(0.95) },
        ingestSeconds: +(ingestMs / 1000).toFixed(1),
        engine: db.engine,
      },
      null,
      2,
    ),
  );
} finally {
  await db.close();
}
