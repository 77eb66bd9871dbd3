import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/pool.ts';
import { ensureEmbeddingColumn } from './embedding-column.ts';
import { createEmbedder, type Embedder } from './embeddings/index.ts';
import { HybridRetriever } from './retriever.ts';
import { KnowledgeStore } from './store.ts';
import { ChineseTokenizer } from './tokenizer.ts';

export interface Knowledge {
  tokenizer: ChineseTokenizer;
  embedder: Embedder;
  store: KnowledgeStore;
  retriever: HybridRetriever;
}

let tokenizerCache: { dir: string; tokenizer: Promise<ChineseTokenizer> } | undefined;

/** The tokenizer loads jieba's dictionaries (~0.7 s): share one per lexicon folder in a process. */
export function loadTokenizer(seedsDir: string): Promise<ChineseTokenizer> {
  const dir = path.resolve(seedsDir, 'lexicon');
  if (tokenizerCache?.dir !== dir) tokenizerCache = { dir, tokenizer: ChineseTokenizer.load({ lexiconDir: dir }) };
  return tokenizerCache.tokenizer;
}

/** Wire the knowledge base over an open, migrated database; checks the embedding column matches. */
export async function createKnowledge(config: Config, db: Database): Promise<Knowledge> {
  const tokenizer = await loadTokenizer(config.SEEDS_DIR);
  const embedder = createEmbedder(config, tokenizer);
  await ensureEmbeddingColumn(db, embedder);
  const deps = { db, embedder, tokenizer };
  const store = new KnowledgeStore(deps);
  const retriever = new HybridRetriever(deps);
  store.onChange = () => retriever.invalidate();
  return { tokenizer, embedder, store, retriever };
}
