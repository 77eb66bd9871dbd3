import type { Embeddings } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import type { Config } from '../../config.ts';
import type { ChineseTokenizer } from '../tokenizer.ts';
import { OfflineHashEmbeddings } from './offline.ts';

/** An embedder and the identity stored beside its vectors (provider, model, dimension). */
export interface Embedder {
  embeddings: Embeddings;
  id: string;
  dimensions: number;
}

export function createEmbedder(config: Config, tokenizer: ChineseTokenizer): Embedder {
  if (config.EMBEDDINGS_PROVIDER === 'openai') {
    const embeddings = new OpenAIEmbeddings({
      model: config.EMBEDDINGS_MODEL,
      dimensions: config.EMBEDDINGS_DIMENSIONS,
      apiKey: config.EMBEDDINGS_API_KEY || 'not-needed',
      configuration: { baseURL: config.EMBEDDINGS_BASE_URL },
      batchSize: 64,
      maxRetries: 2,
      timeout: 30_000,
    });
    return {
      embeddings,
      id: `openai:${config.EMBEDDINGS_BASE_URL}:${config.EMBEDDINGS_MODEL}:${config.EMBEDDINGS_DIMENSIONS}`,
      dimensions: config.EMBEDDINGS_DIMENSIONS,
    };
  }
  const embeddings = new OfflineHashEmbeddings({ tokenizer, dimensions: config.EMBEDDINGS_DIMENSIONS });
  return { embeddings, id: embeddings.id, dimensions: embeddings.dimensions };
}
