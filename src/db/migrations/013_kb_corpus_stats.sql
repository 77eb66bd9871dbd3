-- Corpus totals for BM25's length normalisation: how many chunks, and their summed lengths in tokens and in
-- characters (headings and content; not the title, which changes before a changed document's old chunks are
-- subtracted). Kept with kb_terms in the same transaction on every document add, change and delete, so a
-- chunk's length is compared with the whole corpus's average, not with the average of one query's candidates.
CREATE TABLE kb_corpus_stats (
  key   text PRIMARY KEY,
  value bigint NOT NULL
);

INSERT INTO kb_corpus_stats (key, value)
SELECT 'chunks', count(*) FROM kb_chunks
UNION ALL
SELECT 'tokens', coalesce(sum(token_count), 0) FROM kb_chunks
UNION ALL
SELECT 'chars', coalesce(sum(char_length(array_to_string(c.heading_path, '')) + char_length(c.content)), 0) FROM kb_chunks c;
