-- One number for the knowledge base as it is now, raised in the writer's own transaction by every statement
-- that writes documents, chunks, term counts or corpus totals (whoever writes: the store, a re-embedding, an
-- operator's SQL). Instances sharing the database key their caches of search results on it, so a change made
-- through one instance is never answered from another's stale cache. BEFORE STATEMENT: the row is locked
-- before any of the statement's own rows, so knowledge-base writers queue here, in one order, and cannot
-- deadlock on kb_terms.
CREATE TABLE kb_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO kb_version (id, version) VALUES (true, 1);

CREATE FUNCTION kb_version_bump() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE kb_version SET version = version + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER kb_documents_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_documents
  FOR EACH STATEMENT EXECUTE FUNCTION kb_version_bump();
CREATE TRIGGER kb_chunks_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION kb_version_bump();
CREATE TRIGGER kb_terms_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_terms
  FOR EACH STATEMENT EXECUTE FUNCTION kb_version_bump();
CREATE TRIGGER kb_corpus_stats_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_corpus_stats
  FOR EACH STATEMENT EXECUTE FUNCTION kb_version_bump();
