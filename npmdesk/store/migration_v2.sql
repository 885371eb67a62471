-- npmdesk project schema, migration to version 2.
-- Transcripts become editable through the edit operation (store code moves every coding, turn
-- and anchor in the same transaction), codes carry inclusion/exclusion criteria and may be
-- non-codable categories, documents and codes can be grouped (REFI-QDA sets), terms can be given
-- pseudonyms for de-identified exports, recordings can be linked, and codes pinned to keys.

DROP TRIGGER document_text_immutable;

CREATE TRIGGER document_texts_au AFTER UPDATE OF text ON document_texts BEGIN
    INSERT INTO document_texts_fts(document_texts_fts, rowid, text)
        VALUES ('delete', old.document_id, old.text);
    INSERT INTO document_texts_fts(rowid, text) VALUES (new.document_id, new.text);
END;

-- One row per edited version of a document's text (version 1 is the text as imported), so that
-- a team merge tells "edited since the copy" apart from "a different document".
CREATE TABLE document_versions (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    text_sha256 TEXT NOT NULL,
    created     TEXT NOT NULL,
    coder_id    INTEGER REFERENCES coders(id) ON DELETE SET NULL,
    summary     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, version)
) WITHOUT ROWID;
CREATE INDEX document_versions_by_hash ON document_versions(text_sha256);

ALTER TABLE documents ADD COLUMN source_created TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN source_creator TEXT NOT NULL DEFAULT '';

ALTER TABLE codes ADD COLUMN codable INTEGER NOT NULL DEFAULT 1 CHECK (codable IN (0, 1));
ALTER TABLE codes ADD COLUMN inclusion TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN exclusion TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN example TEXT NOT NULL DEFAULT '';

ALTER TABLE attributes ADD COLUMN identifying INTEGER NOT NULL DEFAULT 0 CHECK (identifying IN (0, 1));

-- How a coder is named in a de-identified export ("Coder A", "PI"); empty: initials.
ALTER TABLE coders ADD COLUMN role TEXT NOT NULL DEFAULT '';

-- Groups of documents or of codes (MAXQDA document sets, ATLAS.ti code groups), usable as filters.
CREATE TABLE item_groups (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('document', 'code')),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT NOT NULL DEFAULT '',
    guid        TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL,
    UNIQUE (kind, name)
);
CREATE TABLE document_group_members (
    group_id    INTEGER NOT NULL REFERENCES item_groups(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, document_id)
) WITHOUT ROWID;
CREATE INDEX document_group_members_by_document ON document_group_members(document_id);
CREATE TABLE code_group_members (
    group_id INTEGER NOT NULL REFERENCES item_groups(id) ON DELETE CASCADE,
    code_id  INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, code_id)
) WITHOUT ROWID;
CREATE INDEX code_group_members_by_code ON code_group_members(code_id);

-- The de-identification table: each term found or entered, and what exports do with it.
CREATE TABLE pseudonyms (
    id          INTEGER PRIMARY KEY,
    term        TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(term)) > 0),
    action      TEXT NOT NULL DEFAULT 'replace' CHECK (action IN ('keep', 'replace', 'ignore')),
    replacement TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT 'user',
    created     TEXT NOT NULL
);

-- A recording linked to a transcript: where it is and what it is, never the media itself.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER,
    kind        TEXT NOT NULL DEFAULT 'audio' CHECK (kind IN ('audio', 'video')),
    linked      TEXT NOT NULL,
    guid        TEXT NOT NULL UNIQUE
);

-- Codes pinned to a quick-code key (0-9); unpinned keys follow the codes as they are applied.
CREATE TABLE code_keys (
    key     INTEGER PRIMARY KEY CHECK (key BETWEEN 0 AND 9),
    code_id INTEGER NOT NULL UNIQUE REFERENCES codes(id) ON DELETE CASCADE
);
