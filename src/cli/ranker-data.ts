/**
 * Ranking examples from question–answer pairs: every answer ingested (neutral titles, as `npm run eval` does),
 * every question asked, each candidate chunk's score features kept with whether it is the question's own answer.
 */
import type { Knowledge } from '../knowledge/index.ts';
import type { RankingExample } from '../knowledge/ranker-fit.ts';
import { ingestPairs, type Pair } from './calibration-data.ts';

export async function rankingExamples(kb: Knowledge, pairs: Pair[]): Promise<RankingExample[]> {
  const ids = await ingestPairs(kb, pairs);
  const out: RankingExample[] = [];
  for (const p of pairs) {
    const cands = await kb.retriever.scoredCandidates(p.question, { limit: 10 });
    out.push({
      features: cands.map((c) => c.features),
      documents: cands.map((c) => c.documentId),
      right: cands.map((c) => c.documentId === ids.get(p.id)),
    });
  }
  return out;
}
