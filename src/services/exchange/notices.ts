import type { DocumentInput } from '../../knowledge/documents.ts';

// Notices the province sends (policy documents): each enters the knowledge base as a document with its
// source, keyed by the province's id so a corrected notice replaces the old one instead of adding a second.

export interface Notice {
  id: string;
  title: string;
  content: string;
  source: string;
  issuedAt?: string;
  county?: string;
  tags?: string[];
}

export function noticeDocument(n: Notice): DocumentInput {
  return {
    sourceKey: `province:${n.id}`,
    title: n.title,
    category: 'policy',
    county: n.county ?? null,
    source: `${n.source}（省平台下发）`,
    date: n.issuedAt ?? null,
    tags: ['省平台', ...(n.tags ?? [])],
    format: 'markdown',
    content: n.content,
  };
}
