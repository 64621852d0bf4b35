-- storydiff schema. Tables hold what runs produce; the views at the end are the public
-- contract users query (documented in README.md). Safe to run on every open.

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
    kind         VARCHAR NOT NULL,        -- count, money, percent, date, weekday, ordinal, age
    value_text   VARCHAR NOT NULL,        -- as written ("at least 44", "$589 billion")
    low          DOUBLE NOT NULL,         -- the interval it allows (bounds, ranges, rounding)
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

-- One row per story: its title, where it came from (a story file, or "<command line>"), its last run.
CREATE OR REPLACE VIEW compared_stories AS
SELECT story_id, title, source_file, compared_at, sentence_pairs, unjudged_pairs FROM stories;

CREATE OR REPLACE VIEW articles AS
SELECT story_id, outlet, url, status, error, title, published, fetched_at, n_sentences, truncation, language
FROM story_articles;

-- added/removed/edited count sentences; an edited sentence is in neither added nor removed
CREATE OR REPLACE VIEW article_versions AS
SELECT story_id, outlet, url, version, fetched_at, text_hash, added, removed, edited, changes
FROM article_text_versions;

-- Every sentence of a claim: its own sentences, and those of other claims that state it too.
CREATE OR REPLACE VIEW claim_membership AS
SELECT story_id, claim_id, sentence_id, true AS own FROM sentences
UNION ALL
SELECT story_id, claim_id, sentence_id, false AS own FROM claim_members;

CREATE OR REPLACE VIEW story_claims AS
WITH contradicted AS (
    -- both sides: a conflict may link sentences that ended up in different claims; two equi-joins,
    -- not one join on "IN (a, b)": the report queries took 156 s at 1000 outlets with it (profiled).
    -- A later article with a larger figure updates the story; it does not contradict it.
    SELECT s.story_id, s.claim_id
    FROM conflicts c JOIN sentences s ON s.story_id = c.story_id AND s.sentence_id = c.sentence_a
    WHERE c.kind <> 'number-update'
    UNION
    SELECT s.story_id, s.claim_id
    FROM conflicts c JOIN sentences s ON s.story_id = c.story_id AND s.sentence_id = c.sentence_b
    WHERE c.kind <> 'number-update'
),
truncated AS (
    SELECT story_id, list(DISTINCT source_article_no) AS sources
    FROM story_articles WHERE status = 'truncated'
    GROUP BY story_id
)
SELECT
    m.story_id,
    m.claim_id,
    CASE
        WHEN bool_or(k.claim_id IS NOT NULL) THEN 'contradicted'
        -- copies of one text (wire stories) count as one source
        WHEN count(DISTINCT a.source_article_no) >= 2 THEN 'shared'
        -- a truncated article of another source may say it in the part that could not be read
        WHEN len(any_value(t.sources)) > CASE WHEN list_contains(any_value(t.sources), min(a.source_article_no))
                                              THEN 1 ELSE 0 END THEN 'possibly-shared'
        ELSE 'unique'
    END AS status,
    count(DISTINCT a.outlet) AS n_outlets,
    list_sort(list(DISTINCT a.outlet)) AS outlets,
    -- worded as its own first sentence says it
    arg_min(s.text, (NOT m.own)::INTEGER * 1000000000000 + s.article_no * 1000000 + s.position) AS text
FROM claim_membership m
JOIN sentences s ON s.story_id = m.story_id AND s.sentence_id = m.sentence_id
JOIN story_articles a ON a.story_id = s.story_id AND a.article_no = s.article_no
LEFT JOIN contradicted k ON k.story_id = m.story_id AND k.claim_id = m.claim_id
LEFT JOIN truncated t ON t.story_id = m.story_id
GROUP BY m.story_id, m.claim_id;

CREATE OR REPLACE VIEW claim_sentences AS
SELECT m.story_id, m.claim_id, a.outlet, a.url, s.sentence_id, s.text AS sentence, s.language
FROM claim_membership m
JOIN sentences s ON s.story_id = m.story_id AND s.sentence_id = m.sentence_id
JOIN story_articles a ON a.story_id = s.story_id AND a.article_no = s.article_no;

-- Incompatible statements only: a figure that changed between reports (kind 'number-update')
-- is in the `updates` view.
CREATE OR REPLACE VIEW contradictions AS
SELECT
    c.story_id,
    sa.claim_id,
    aa.outlet AS outlet_a,
    sa.text AS sentence_a,
    ab.outlet AS outlet_b,
    sb.text AS sentence_b,
    c.kind,
    c.score,
    CASE
        -- a correction is shown with both dates
        WHEN c.what IS NOT NULL AND c.kind = 'number-revised'
            THEN c.what || ': ' || c.value_a || ' (' || aa.outlet || ', ' || coalesce(aa.published, 'undated')
                 || ') vs ' || c.value_b || ' (' || ab.outlet || ', ' || coalesce(ab.published, 'undated') || ')'
        WHEN c.what IS NOT NULL
            THEN c.what || ': ' || c.value_a || ' (' || aa.outlet || ') vs ' || c.value_b || ' (' || ab.outlet || ')'
        WHEN c.kind = 'negation'
            THEN 'one denies or negates what the other states (' || aa.outlet || ' vs ' || ab.outlet || ')'
        ELSE 'the NLI model finds them incompatible both ways round (' || aa.outlet || ' vs ' || ab.outlet || ')'
    END AS explanation,
    coalesce(c.confidence, c.score) AS confidence
FROM conflicts c
JOIN sentences sa ON sa.story_id = c.story_id AND sa.sentence_id = c.sentence_a
JOIN sentences sb ON sb.story_id = c.story_id AND sb.sentence_id = c.sentence_b
JOIN story_articles aa ON aa.story_id = c.story_id AND aa.article_no = sa.article_no
JOIN story_articles ab ON ab.story_id = c.story_id AND ab.article_no = sb.article_no
WHERE c.kind <> 'number-update';

-- Figures that changed between reports published on different days (a rising toll).
CREATE OR REPLACE VIEW updates AS
SELECT
    c.story_id,
    c.what,
    aa.outlet AS outlet_a, aa.published AS published_a, c.value_a, sa.text AS sentence_a,
    ab.outlet AS outlet_b, ab.published AS published_b, c.value_b, sb.text AS sentence_b
FROM conflicts c
JOIN sentences sa ON sa.story_id = c.story_id AND sa.sentence_id = c.sentence_a
JOIN sentences sb ON sb.story_id = c.story_id AND sb.sentence_id = c.sentence_b
JOIN story_articles aa ON aa.story_id = c.story_id AND aa.article_no = sa.article_no
JOIN story_articles ab ON ab.story_id = c.story_id AND ab.article_no = sb.article_no
WHERE c.kind = 'number-update';

-- Every figure with the thing it counts: one slot per thing, one row per outlet's statement.
CREATE OR REPLACE VIEW figures AS
SELECT
    f.story_id, f.slot, f.what, a.outlet, f.value_text, f.low, f.high, f.unit, f.kind,
    f.sentence_id, s.text AS sentence, a.published, f.status
FROM facts f
JOIN sentences s ON s.story_id = f.story_id AND s.sentence_id = f.sentence_id
JOIN story_articles a ON a.story_id = s.story_id AND a.article_no = s.article_no;

-- one-way entailment: both sentences state the claim, one of them with more detail
CREATE OR REPLACE VIEW richer_sentences AS
SELECT
    m.story_id,
    sa.claim_id,
    CASE WHEN m.relation = 'a says more' THEN aa.outlet ELSE ab.outlet END AS richer_outlet,
    CASE WHEN m.relation = 'a says more' THEN sa.text ELSE sb.text END AS richer_sentence,
    CASE WHEN m.relation = 'a says more' THEN ab.outlet ELSE aa.outlet END AS other_outlet,
    CASE WHEN m.relation = 'a says more' THEN sb.text ELSE sa.text END AS other_sentence
FROM sentence_matches m
JOIN sentences sa ON sa.story_id = m.story_id AND sa.sentence_id = m.sentence_a
JOIN sentences sb ON sb.story_id = m.story_id AND sb.sentence_id = m.sentence_b
JOIN story_articles aa ON aa.story_id = m.story_id AND aa.article_no = sa.article_no
JOIN story_articles ab ON ab.story_id = m.story_id AND ab.article_no = sb.article_no
WHERE m.relation IN ('a says more', 'b says more');

CREATE OR REPLACE VIEW outlet_coverage AS
SELECT
    a.story_id,
    a.outlet,
    count(s.sentence_id) AS sentences,
    count(s.sentence_id) FILTER (WHERE c.status = 'shared') AS shared,
    count(s.sentence_id) FILTER (WHERE c.status = 'unique') AS "unique",
    count(s.sentence_id) FILTER (WHERE c.status = 'contradicted') AS contradicted,
    count(s.sentence_id) FILTER (WHERE c.status = 'possibly-shared') AS possibly_shared
FROM story_articles a
LEFT JOIN sentences s ON s.story_id = a.story_id AND s.article_no = a.article_no
LEFT JOIN story_claims c ON c.story_id = s.story_id AND c.claim_id = s.claim_id
GROUP BY a.story_id, a.outlet;

-- Stories found by `storydiff watch`: when they were first and last seen, their articles and
-- outlets, and their claims per label once compared.
CREATE OR REPLACE VIEW discovered_stories AS
WITH grouped AS (
    SELECT story_id, min(first_seen) AS first_seen, max(first_seen) AS last_seen,
           count(*) AS n_articles, count(DISTINCT outlet) AS n_outlets,
           arg_min(title, coalesce(published, first_seen)) AS title
    FROM feed_items WHERE story_id IS NOT NULL GROUP BY story_id
), labels AS (
    SELECT story_id,
           count(*) FILTER (WHERE status = 'contradicted') AS contradicted,
           count(*) FILTER (WHERE status = 'shared') AS shared,
           count(*) FILTER (WHERE status = 'unique') AS "unique"
    FROM story_claims GROUP BY story_id
)
SELECT g.story_id, g.title, g.first_seen, g.last_seen, g.n_articles, g.n_outlets,
       l.contradicted, l.shared, l."unique", s.compared_at AS last_compared
FROM grouped g
LEFT JOIN labels l USING (story_id)
LEFT JOIN stories s USING (story_id);
