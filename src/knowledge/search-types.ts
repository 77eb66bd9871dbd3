import type { Category } from './categories.ts';
import type { ConfidenceSignals } from './confidence.ts';

// What a search is asked and what it returns, apart from the retriever so the results cache
// (search-cache.ts) can name them without importing the retriever that imports it.

export interface SearchOptions {
  limit?: number;
  categories?: Category[];
  /** Passages for this county, plus those that apply everywhere. */
  county?: string;
  /** Keep only the best passage of each document (default true). */
  perDocument?: boolean;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  title: string;
  headingPath: string[];
  content: string;
  snippet: string;
  category: Category;
  county: string | null;
  source: string | null;
  format: string;
  reviewed: boolean;
  /** The document's reviewBy date has passed: the citation tells the farmer so. */
  pastReview: boolean;
  /** 0..1, higher is better: how much of the question the passage covers, blended with vector similarity. */
  score: number;
  signals: { cosine: number; coverage: number; bigramCoverage: number; headingCoverage: number; titleMatch: number; bm25: number };
  /** the calibrated probability that this passage answers the question (src/knowledge/confidence.ts) */
  confidence: number;
  /** what the calibrator read, checks included */
  checks: ConfidenceSignals;
  /** the answer-type or subject check this passage fails: the skill does not answer from it */
  failed?: 'answer_kind' | 'species' | 'subject';
}
