-- storydiff's tables: what runs produce and what they cache. The public views users query are
-- in views.sql (documented in README.md). Safe to run on every open.

CREATE TABLE IF NOT EXISTS stories (
    story_id     VARCHAR NOT NULL,
    title        VARCHAR,
    source_file  VARCHAR,
    compared_at  TIMESTAMPTZ,              -- last run; an unchanged story keeps its results
    fingerprint  VARCHAR,                  -- of the inputs the results came from
    sentence_pairs INTEGER,                -- distinct sentence pairs judged
    unjudged_pairs INTEGER                 -- of those, left to the rules: the NLI budget was spent
);
ALTER TABLE stories ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
ALTER TABLE stories ADD COLUMN IF NOT EXISTS sentence_pairs INTEGER;
ALTER TABLE stories ADD COLUMN IF NOT EXISTS unjudged_pairs INTEGER;

-- Raw HTML by content hash: re-extraction never needs a refetch.
CREATE TABLE IF NOT EXISTS pages (
    sha256       VARCHAR PRIMARY KEY,
    html         VARCHAR NOT NULL,
    content_type VARCHAR
);

-- Every successful fetch of a URL (or file), newest last.
CREATE TABLE IF NOT EXISTS fetches (
    url          VARCHAR NOT NULL,
    final_url    VARCHAR,
    sha256       VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL
);
-- the validators the server sent, exactly as received: a re-fetch asks "changed since?"
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS etag VARCHAR;
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS last_modified VARCHAR;

-- robots.txt answers by origin, kept for 24 hours (RFC 9309) across runs and processes.
CREATE TABLE IF NOT EXISTS robots (
    origin       VARCHAR PRIMARY KEY,
    status       INTEGER NOT NULL,
    body         VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL
);

-- Sentence vectors by model and text hash: nothing is embedded twice.
CREATE TABLE IF NOT EXISTS embeddings (
    model        VARCHAR NOT NULL,
    text_hash    VARCHAR NOT NULL,
    vector       FLOAT[] NOT NULL,
    PRIMARY KEY (model, text_hash)
);

-- NLI probabilities by model and ordered pair of sentence hashes: no pair is judged twice.
CREATE TABLE IF NOT EXISTS nli_scores (
    model            VARCHAR NOT NULL,
    premise_hash     VARCHAR NOT NULL,
    hypothesis_hash  VARCHAR NOT NULL,
    probabilities    FLOAT[] NOT NULL,    -- entailment, neutral, contradiction
    PRIMARY KEY (model, premise_hash, hypothesis_hash)
);

-- Extracted article text by page hash and extractor: an unchanged page is not extracted again.
CREATE TABLE IF NOT EXISTS extractions (
    page_sha256  VARCHAR NOT NULL,
    extractor    VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    title        VARCHAR,
    author       VARCHAR,
    published    VARCHAR,
    site_name    VARCHAR,
    truncated    VARCHAR,
    language     VARCHAR,                 -- ISO 639-1, detected from the text
    sentences    STRUCT("start" INTEGER, "end" INTEGER, "text" VARCHAR)[],  -- its segmentation
    PRIMARY KEY (page_sha256, extractor)
);
ALTER TABLE extractions ADD COLUMN IF NOT EXISTS sentences STRUCT("start" INTEGER, "end" INTEGER, "text" VARCHAR)[];
ALTER TABLE extractions ADD COLUMN IF NOT EXISTS language VARCHAR;

CREATE TABLE IF NOT EXISTS story_articles (
    story_id          VARCHAR NOT NULL,
    article_no        INTEGER NOT NULL,   -- order in the story file
    outlet            VARCHAR NOT NULL,
    url               VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,   -- 'ok', 'truncated' (compared, partly unreadable) or why it failed
    error             VARCHAR,
    truncation        VARCHAR,            -- why a 'truncated' article is incomplete (paywall, ...)
    language          VARCHAR,            -- ISO 639-1, detected from the text
    title             VARCHAR,
    author            VARCHAR,
    published         VARCHAR,
    site_name         VARCHAR,
    fetched_at        TIMESTAMPTZ,
    page_sha256       VARCHAR,
    source_article_no INTEGER,            -- the article whose text this one republishes (itself if none)
    n_sentences       INTEGER NOT NULL
);

-- database files made before truncation detection (or language detection) lack the column
ALTER TABLE story_articles ADD COLUMN IF NOT EXISTS truncation VARCHAR;
ALTER TABLE story_articles ADD COLUMN IF NOT EXISTS language VARCHAR;

-- History, never replaced: a row each time an article's extracted text differs from its last one.
CREATE TABLE IF NOT EXISTS article_text_versions (
    story_id     VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    outlet       VARCHAR NOT NULL,
    version      INTEGER NOT NULL,        -- 1 for the first text seen
    fetched_at   TIMESTAMPTZ,
    text_hash    VARCHAR NOT NULL,
    sentences    VARCHAR[] NOT NULL,
    added        INTEGER NOT NULL,
    removed      INTEGER NOT NULL,
    edited       INTEGER NOT NULL,
    changes      STRUCT(kind VARCHAR, before VARCHAR, after VARCHAR)[] NOT NULL,
    PRIMARY KEY (story_id, url, version)
);

CREATE TABLE IF NOT EXISTS sentences (
    story_id     VARCHAR NOT NULL,
    sentence_id  VARCHAR NOT NULL,        -- 'a<article_no>s<position>'
    article_no   INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    text_hash    VARCHAR NOT NULL,
    claim_id     INTEGER NOT NULL,
    language     VARCHAR                  -- its article's, or another where a quote surely is
);
ALTER TABLE sentences ADD COLUMN IF NOT EXISTS language VARCHAR;

CREATE TABLE IF NOT EXISTS sentence_matches (
    story_id     VARCHAR NOT NULL,
    sentence_a   VARCHAR NOT NULL,
    sentence_b   VARCHAR NOT NULL,
    similarity   DOUBLE NOT NULL,
    relation     VARCHAR               -- 'equivalent', 'a says more', 'b says more' (NLI), or NULL
);
-- database files made before the NLI model lack the column
ALTER TABLE sentence_matches ADD COLUMN IF NOT EXISTS relation VARCHAR;

CREATE TABLE IF NOT EXISTS conflicts (
    story_id     VARCHAR NOT NULL,
    sentence_a   VARCHAR NOT NULL,
    sentence_b   VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    score        DOUBLE NOT NULL,
    span_a_start INTEGER,
    span_a_end   INTEGER,
    span_b_start INTEGER,
    span_b_end   INTEGER,
    what         VARCHAR,                 -- figures: the thing counted ("people dead")
    value_a      VARCHAR,                 -- figures: each side's value as written
    value_b      VARCHAR,
    confidence   DOUBLE                   -- 0..1: how sure storydiff is that it is a contradiction
);
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS what VARCHAR;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS value_a VARCHAR;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS value_b VARCHAR;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS confidence DOUBLE;

-- A sentence that says several things states other claims than its own too (align._also_in):
-- "36 people were killed and 279 are missing" is in the claim about the dead and the one about
-- the missing.
CREATE TABLE IF NOT EXISTS claim_members (
    story_id     VARCHAR NOT NULL,
    sentence_id  VARCHAR NOT NULL,
    claim_id     INTEGER NOT NULL
);

-- The fact layer: every figure a sentence states (facts.py), and which figures of other
-- outlets are figures of the same thing (slot, fact_links.py).
CREATE TABLE IF NOT EXISTS facts (
    story_id     VARCHAR NOT NULL,
    sentence_id  VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,        -- count, money, percent, date, weekday, ordinal, age, status, multiple ("nearly doubled")
    value_text   VARCHAR NOT NULL,        -- as written ("at least 44", "$589 billion"); a status: postponed, cancelled, went ahead
    low          DOUBLE NOT NULL,         -- the interval it allows (bounds, ranges, rounding); a status: its index
    high         DOUBLE NOT NULL,
    unit         VARCHAR NOT NULL,        -- currency, 'percent', 'weekday', or the noun counted
    counted      VARCHAR,                 -- the noun phrase counted ("masked men")
    role         VARCHAR,                 -- dead, injured, fell, happened, measure, ...
    entities     VARCHAR[],               -- names in the figure's clause
    what         VARCHAR,                 -- a label for people: "people dead"
    start_char   INTEGER NOT NULL,        -- in the sentence
    end_char     INTEGER NOT NULL,
    slot         INTEGER NOT NULL,        -- figures of the same thing share a slot
    status       VARCHAR NOT NULL         -- conflict, update, agrees, single
);

-- Feeds being watched (storydiff watch): the state of conditional polling, per feed.
CREATE TABLE IF NOT EXISTS feeds (
    url            VARCHAR PRIMARY KEY,     -- rewritten after a permanent redirect (301/308)
    outlet         VARCHAR NOT NULL,
    etag           VARCHAR,                 -- exactly as received
    last_modified  VARCHAR,
    body_hash      VARCHAR,                 -- for servers that send neither
    status         VARCHAR NOT NULL,
    failures       INTEGER NOT NULL,
    disabled       BOOLEAN NOT NULL,        -- 410 Gone
    next_poll_at   TIMESTAMPTZ,             -- a failing feed is backed off
    last_polled_at TIMESTAMPTZ
);

-- Every item seen once, keyed by its canonical URL; first_seen is when storydiff saw it, apart
-- from the published date the feed gave (NULL when it gave none: never replaced by "now").
CREATE TABLE IF NOT EXISTS feed_items (
    url          VARCHAR PRIMARY KEY,
    outlet       VARCHAR NOT NULL,
    feed_url     VARCHAR NOT NULL,
    guid         VARCHAR,
    content_hash VARCHAR NOT NULL,
    title        VARCHAR,
    summary      VARCHAR,
    published    TIMESTAMPTZ,
    first_seen   TIMESTAMPTZ NOT NULL,
    story_id     VARCHAR                    -- the story it was grouped into
);
-- the article's extracted text, what grouping reads (the feed's title and summary when it failed)
ALTER TABLE feed_items ADD COLUMN IF NOT EXISTS text VARCHAR;
ALTER TABLE feed_items ADD COLUMN IF NOT EXISTS fetch_status VARCHAR;

-- Discovered stories that turned out to be one with another (watch regroups recent articles).
CREATE TABLE IF NOT EXISTS story_merges (
    story_id    VARCHAR PRIMARY KEY,
    merged_into VARCHAR NOT NULL,
    merged_at   TIMESTAMPTZ NOT NULL
);
