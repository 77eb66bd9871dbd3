import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import type { HybridRetriever, SearchOptions } from './retriever.ts';

export interface KnowledgeBaseRetrieverInput extends BaseRetrieverInput {
  retriever: HybridRetriever;
  search?: SearchOptions;
}

/** The hybrid retriever behind LangChain's retriever interface, for chains and the LLM option. */
export class KnowledgeBaseRetriever extends BaseRetriever {
  lc_namespace = ['yinong', 'knowledge'];
  private readonly retriever: HybridRetriever;
  private readonly searchOptions: SearchOptions;

  constructor(fields: KnowledgeBaseRetrieverInput) {
    super(fields);
    this.retriever = fields.retriever;
    this.searchOptions = fields.search ?? {};
  }

  async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = await this.retriever.search(query, this.searchOptions);
    return hits.map(
      (h) =>
        new Document({
          pageContent: h.content,
          id: h.chunkId,
          metadata: {
            documentId: h.documentId,
            chunkId: h.chunkId,
            title: h.title,
            headingPath: h.headingPath,
            category: h.category,
            county: h.county,
            source: h.source,
            reviewed: h.reviewed,
            score: h.score,
          },
        }),
    );
  }
}
