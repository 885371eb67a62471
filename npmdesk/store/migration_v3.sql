-- npmdesk project schema, migration to version 3.
-- An edit shifts every coding after it, and SQLite rewrites each index that holds start and end
-- for each of those codings. The unique span (document, code, start, end, coder) and the index by
-- document (document, start, end, code) become one unique index by document that covers both: a
-- typed character in a heavily coded transcript rewrites two indexes instead of three.
DROP INDEX codings_unique_span;
DROP INDEX codings_by_document;
CREATE UNIQUE INDEX codings_by_document ON codings(document_id, start, end, code_id, coder_id);
