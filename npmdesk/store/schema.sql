-- npmdesk project schema, version 1.
-- Offsets are Python code points into document_texts.text ([start, end)).
-- Foreign keys cascade where a user expects it (a document takes its codings with it);
-- codes RESTRICT so that deleting one is always an explicit decision in store/ code.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE coders (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    guid    TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);

CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    guid        TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL
);

CREATE TABLE attributes (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    type  TEXT NOT NULL CHECK (type IN ('text', 'integer', 'float', 'boolean', 'date')),
    guid  TEXT NOT NULL UNIQUE
);

CREATE TABLE case_attributes (
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
    value        TEXT,
    PRIMARY KEY (case_id, attribute_id)
) WITHOUT ROWID;
CREATE INDEX case_attributes_by_attribute ON case_attributes(attribute_id, value);

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL DEFAULT 'interview'
                  CHECK (kind IN ('interview', 'focus-group', 'field-notes', 'other')),
    case_id       INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    source_name   TEXT NOT NULL DEFAULT '',
    source_format TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT NOT NULL DEFAULT '',
    encoding      TEXT NOT NULL DEFAULT '',
    imported      TEXT NOT NULL,
    words         INTEGER NOT NULL DEFAULT 0,
    length        INTEGER NOT NULL DEFAULT 0,
    guid          TEXT NOT NULL UNIQUE
);
CREATE INDEX documents_by_case ON documents(case_id);
CREATE INDEX documents_by_sha ON documents(source_sha256);

-- The text lives apart from the metadata so that listing documents never reads it, and so that a
-- rename does not touch the full-text index.
CREATE TABLE document_texts (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text        TEXT NOT NULL
);

-- Document text is immutable once imported: offsets of every coding depend on it.
CREATE TRIGGER document_text_immutable BEFORE UPDATE OF text ON document_texts
BEGIN
    SELECT RAISE(ABORT, 'document text is immutable');
END;

CREATE VIRTUAL TABLE document_texts_fts USING fts5(
    text, content='document_texts', content_rowid='document_id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER document_texts_ai AFTER INSERT ON document_texts BEGIN
    INSERT INTO document_texts_fts(rowid, text) VALUES (new.document_id, new.text);
END;
CREATE TRIGGER document_texts_ad AFTER DELETE ON document_texts BEGIN
    INSERT INTO document_texts_fts(document_texts_fts, rowid, text)
        VALUES ('delete', old.document_id, old.text);
END;

-- Speakers belong to a document: "Interviewer" in two transcripts need not be one person.
CREATE TABLE speakers (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    case_id     INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    UNIQUE (document_id, name)
);
CREATE INDEX speakers_by_case ON speakers(case_id);

CREATE TABLE turns (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker_id  INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    begin_ms    INTEGER,
    end_ms      INTEGER,
    CHECK (start >= 0 AND end >= start)
);
-- speaker_id makes 'who speaks at this offset' (excerpts, search) an index-only lookup.
CREATE INDEX turns_by_document ON turns(document_id, start, speaker_id);
CREATE INDEX turns_by_speaker ON turns(speaker_id);

CREATE TABLE codes (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES codes(id) ON DELETE RESTRICT,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    color       TEXT NOT NULL DEFAULT '#f4d35e',
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    guid        TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL
);
-- Sibling names are unique (NULL parents compare equal through ifnull).
CREATE UNIQUE INDEX codes_sibling_name ON codes(ifnull(parent_id, 0), name);
CREATE INDEX codes_by_parent ON codes(parent_id, position);

CREATE TABLE codings (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    code_id     INTEGER NOT NULL REFERENCES codes(id) ON DELETE RESTRICT,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    coder_id    INTEGER NOT NULL REFERENCES coders(id) ON DELETE RESTRICT,
    exemplar    INTEGER NOT NULL DEFAULT 0 CHECK (exemplar IN (0, 1)),
    created     TEXT NOT NULL,
    guid        TEXT NOT NULL UNIQUE,
    CHECK (start >= 0 AND end > start)
);
CREATE UNIQUE INDEX codings_unique_span ON codings(document_id, code_id, start, end, coder_id);
-- code_id makes the overlap self-join (co-occurrence) an index-only scan: 3x faster at 100k codings.
CREATE INDEX codings_by_document ON codings(document_id, start, end, code_id);
-- Covering for retrieval by code (excerpts, counts, matrices): no table lookup per coding.
CREATE INDEX codings_by_code ON codings(code_id, document_id, start, end, coder_id, exemplar);
CREATE INDEX codings_by_coder ON codings(coder_id);

-- Which participants a coding speaks for: the cases linked to the speakers of the turns it
-- overlaps, else the document's case. Derived, but maintained in the same transaction as every
-- change it depends on (coding, speaker link, document case), so matrices stay plain SQL.
CREATE TABLE coding_cases (
    coding_id INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
    case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (coding_id, case_id)
) WITHOUT ROWID;
CREATE INDEX coding_cases_by_case ON coding_cases(case_id);

-- One memo per target; target says which (if any) of the reference columns is set.
CREATE TABLE memos (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL
                CHECK (target IN ('project', 'document', 'code', 'case', 'coding', 'element')),
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    code_id     INTEGER REFERENCES codes(id) ON DELETE CASCADE,
    case_id     INTEGER REFERENCES cases(id) ON DELETE CASCADE,
    coding_id   INTEGER REFERENCES codings(id) ON DELETE CASCADE,
    element_id  INTEGER REFERENCES framework_elements(id) ON DELETE CASCADE,
    text        TEXT NOT NULL DEFAULT '',
    coder_id    INTEGER REFERENCES coders(id) ON DELETE SET NULL,
    created     TEXT NOT NULL,
    modified    TEXT NOT NULL,
    guid        TEXT NOT NULL UNIQUE,
    CHECK ((target = 'project') = (coalesce(document_id, code_id, case_id, coding_id, element_id) IS NULL)),
    CHECK ((document_id IS NOT NULL) + (code_id IS NOT NULL) + (case_id IS NOT NULL)
           + (coding_id IS NOT NULL) + (element_id IS NOT NULL) <= 1)
);
CREATE UNIQUE INDEX memos_one_per_target ON memos(
    target, ifnull(document_id, 0), ifnull(code_id, 0), ifnull(case_id, 0),
    ifnull(coding_id, 0), ifnull(element_id, 0));
CREATE INDEX memos_by_code ON memos(code_id);
CREATE INDEX memos_by_coding ON memos(coding_id);

CREATE TABLE frameworks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE framework_elements (
    id           INTEGER PRIMARY KEY,
    framework_id INTEGER NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (framework_id, name)
);

-- A theme or code aligned with a framework element, with the researcher's rationale.
CREATE TABLE alignments (
    code_id    INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    element_id INTEGER NOT NULL REFERENCES framework_elements(id) ON DELETE CASCADE,
    rationale  TEXT NOT NULL DEFAULT '',
    coder_id   INTEGER REFERENCES coders(id) ON DELETE SET NULL,
    created    TEXT NOT NULL,
    PRIMARY KEY (code_id, element_id)
) WITHOUT ROWID;
CREATE INDEX alignments_by_element ON alignments(element_id);

-- Exemplar quotes chosen for a framework element (the coding's own exemplar flag is general).
CREATE TABLE element_exemplars (
    element_id INTEGER NOT NULL REFERENCES framework_elements(id) ON DELETE CASCADE,
    coding_id  INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
    PRIMARY KEY (element_id, coding_id)
) WITHOUT ROWID;
CREATE INDEX element_exemplars_by_coding ON element_exemplars(coding_id);

-- Framework Method charting: one researcher-written summary per participant x theme.
CREATE TABLE chart_cells (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    code_id  INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    summary  TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL,
    PRIMARY KEY (case_id, code_id)
) WITHOUT ROWID;

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    coder_id INTEGER REFERENCES coders(id) ON DELETE SET NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);
