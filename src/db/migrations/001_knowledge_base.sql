-- Knowledge base: documents and their chunks. The embedding column's dimension is set at start-up
-- from the configured embedder (see src/knowledge/embedding-column.ts), so it is created untyped here.
CREATE TABLE kb_documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_key    text NOT NULL UNIQUE,
  title         text NOT NULL,
  category      text NOT NULL,
  county        text,
  source        text,
  doc_date      date,
  tags          text[] NOT NULL DEFAULT '{}',
  format        text NOT NULL,
  content       text NOT NULL,
  content_hash  text NOT NULL,
  reviewed      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT kb_documents_category_check CHECK (category IN
    ('policy','agronomy','livestock','aquaculture','service','market','labor','training','programme','faq'))
);
CREATE INDEX kb_documents_category_idx ON kb_documents (category);

CREATE TABLE kb_chunks (
  id            bigserial PRIMARY KEY,
  document_id   uuid NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
  ordinal       integer NOT NULL,
  heading_path  text[] NOT NULL DEFAULT '{}',
  content       text NOT NULL,
  token_count   integer NOT NULL,
  tsv           tsvector NOT NULL,
  -- denormalised from the document so filtered searches need no join
  category      text NOT NULL,
  county        text,
  reviewed      boolean NOT NULL DEFAULT false,
  embedding     public.vector,
  UNIQUE (document_id, ordinal)
);
CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING gin (tsv);
CREATE INDEX kb_chunks_document_idx ON kb_chunks (document_id);

-- Document frequency of each token over all chunks (the empty term holds the chunk count): lets the
-- retriever pick selective words for the keyword channel and weight words by this corpus's IDF.
CREATE TABLE kb_terms (
  term text PRIMARY KEY,
  df   integer NOT NULL
);

-- Which embedder produced the stored vectors: never mix two.
CREATE TABLE kb_settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
