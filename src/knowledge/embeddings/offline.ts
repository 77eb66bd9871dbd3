import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import type { ChineseTokenizer } from '../tokenizer.ts';

export interface OfflineEmbeddingsParams extends EmbeddingsParams {
  tokenizer: ChineseTokenizer;
  dimensions?: number;
}

const HAN_RUN = /\p{Script=Han}+/gu;
const BIGRAM_WEIGHT = 0.35;

/**
 * The offline default embedder: no model, no download, deterministic. A signed feature-hashing of
 * IDF-weighted jieba words plus Chinese character bigrams (which survive segmentation differences between
 * a farmer's wording and a document's), L2-normalised so cosine similarity is a TF-IDF cosine.
 */
export class OfflineHashEmbeddings extends Embeddings {
  readonly dimensions: number;
  private readonly tokenizer: ChineseTokenizer;

  constructor(params: OfflineEmbeddingsParams) {
    super(params);
    const dimensions = params.dimensions ?? 512;
    if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions > 4096) {
      throw new Error(`dimensions must be an integer from 16 to 4096, got ${dimensions}`);
    }
    this.dimensions = dimensions;
    this.tokenizer = params.tokenizer;
  }

  /** Identity stored beside the vectors: a change of version or dimension means a re-embed. */
  get id(): string {
    return `offline-hash-v1:${this.dimensions}`;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embed(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }

  embed(text: string): number[] {
    // key → [term frequency, weight of one occurrence]
    const features = new Map<string, [number, number]>();
    const add = (key: string, weight: number) => {
      const f = features.get(key);
      if (f) f[0] += 1;
      else features.set(key, [1, weight]);
    };
    for (const word of this.tokenizer.tokens(text)) add(`w:${word}`, this.tokenizer.idf(word));
    for (const run of this.tokenizer.standardize(text).match(HAN_RUN) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) {
        const gram = run.slice(i, i + 2);
        if (this.tokenizer.isStopword(gram)) continue;
        add(`b:${gram}`, BIGRAM_WEIGHT * this.tokenizer.idf(gram));
      }
    }
    const vec = new Float64Array(this.dimensions);
    for (const [key, [tf, weight]] of features) {
      // Sub-linear term frequency: a word said five times is not five times as important.
      const h = fnv1a(key);
      const sign = h & 0x80000000 ? -1 : 1;
      vec[h % this.dimensions] += sign * (1 + Math.log(tf)) * weight;
    }
    let norm = 0;
    for (const v of vec) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return Array.from(vec, (v) => Math.round((v / norm) * 1e6) / 1e6);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
