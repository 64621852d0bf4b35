-- The public contract users query (README "The database"), over the tables of schema.sql, or over
-- the same tables' Parquet files when results are written as Parquet (parquet_store.py).

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
    f.story_id, f.slot, f.what, a.outlet, f.value_text,
    -- a status (postponed, cancelled, went ahead) has no magnitude
    CASE WHEN f.kind = 'status' THEN NULL ELSE f.low END AS low,
    CASE WHEN f.kind = 'status' THEN NULL ELSE f.high END AS high, f.unit, f.kind,
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
-- a.story_id, not s.story_id (the same value): DuckDB then carries a filter on the story into the
-- claims on the right of the LEFT JOIN, instead of labelling every story's claims (over Parquet
-- results, one story's coverage among 200: 0.46 s -> 0.07 s)
LEFT JOIN story_claims c ON c.story_id = a.story_id AND c.claim_id = s.claim_id
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
