-- Who wrote and who reviewed a knowledge document, when it was reviewed and by when it must be reviewed
-- again (from a shipped file's front matter: writtenBy, reviewedBy, reviewedAt, reviewBy). The console lists
-- the documents past review_by for the bureau, and the bot flags a citation of one to the farmer.
-- (kb_documents.reviewed stays what it was: an expert's own answer, approved for the knowledge base.)
ALTER TABLE kb_documents ADD COLUMN written_by text;
ALTER TABLE kb_documents ADD COLUMN reviewed_by text;
ALTER TABLE kb_documents ADD COLUMN reviewed_at date;
ALTER TABLE kb_documents ADD COLUMN review_by date;
CREATE INDEX kb_documents_review_by_idx ON kb_documents (review_by) WHERE review_by IS NOT NULL;

-- A retired document keeps its review record, so restoring it does not lose who reviewed it.
ALTER TABLE kb_retired_documents ADD COLUMN written_by text;
ALTER TABLE kb_retired_documents ADD COLUMN reviewed_by text;
ALTER TABLE kb_retired_documents ADD COLUMN reviewed_at date;
ALTER TABLE kb_retired_documents ADD COLUMN review_by date;
