-- Queries the store runs, loaded by name. Every value is a bound parameter.

-- name: save_page
INSERT INTO pages (sha256, html, content_type) VALUES (?, ?, ?)
ON CONFLICT DO NOTHING;

-- name: record_fetch
INSERT INTO fetches (url, final_url, sha256, fetched_at, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?);

-- name: latest_page
SELECT f.url, f.final_url, p.content_type, p.html, p.sha256, f.fetched_at, f.etag, f.last_modified
FROM fetches f JOIN pages p USING (sha256)
WHERE f.url = ?
ORDER BY f.fetched_at DESC
LIMIT 1;

-- name: cached_embeddings
SELECT text_hash, vector FROM embeddings
WHERE model = ? AND text_hash IN (SELECT unnest(?::VARCHAR[]));

-- name: save_embeddings
INSERT INTO embeddings (model, text_hash, vector)
SELECT ?, text_hash, vector FROM incoming_embeddings
ON CONFLICT DO NOTHING;

-- name: cached_nli_scores
SELECT premise_hash, hypothesis_hash, probabilities FROM nli_scores
WHERE model = ? AND premise_hash IN (SELECT unnest(?::VARCHAR[]))
  AND hypothesis_hash IN (SELECT unnest(?::VARCHAR[]));

-- name: save_nli_scores
INSERT INTO nli_scores (model, premise_hash, hypothesis_hash, probabilities)
SELECT ?, premise_hash, hypothesis_hash, probabilities FROM incoming_nli_scores
ON CONFLICT DO NOTHING;

-- name: cached_extractions
SELECT page_sha256, text, title, author, published, site_name, truncated, language, sentences FROM extractions
WHERE extractor = ? AND page_sha256 IN (SELECT unnest(?::VARCHAR[])) AND sentences IS NOT NULL;

-- name: save_extraction
INSERT INTO extractions (page_sha256, extractor, text, title, author, published, site_name, truncated, language, sentences)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING;

-- name: delete_story
DELETE FROM stories WHERE story_id = ?;

-- name: delete_story_articles
DELETE FROM story_articles WHERE story_id = ?;

-- name: delete_sentences
DELETE FROM sentences WHERE story_id = ?;

-- name: delete_sentence_matches
DELETE FROM sentence_matches WHERE story_id = ?;

-- name: delete_conflicts
DELETE FROM conflicts WHERE story_id = ?;

-- name: insert_story
INSERT INTO stories (story_id, title, source_file, compared_at, fingerprint, sentence_pairs, unjudged_pairs)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: stored_fingerprint
SELECT fingerprint FROM stories WHERE story_id = ?;

-- name: touch_story
UPDATE stories SET compared_at = ? WHERE story_id = ?;

-- name: insert_story_articles
INSERT INTO story_articles BY NAME SELECT * FROM incoming_articles;

-- name: insert_sentences
INSERT INTO sentences BY NAME SELECT * FROM incoming_sentences;

-- name: insert_sentence_matches
INSERT INTO sentence_matches BY NAME SELECT * FROM incoming_matches;

-- name: delete_claim_members
DELETE FROM claim_members WHERE story_id = ?;

-- name: insert_claim_members
INSERT INTO claim_members BY NAME SELECT * FROM incoming_claim_members;

-- name: delete_facts
DELETE FROM facts WHERE story_id = ?;

-- name: insert_facts
INSERT INTO facts BY NAME SELECT * FROM incoming_facts;

-- name: insert_conflicts
INSERT INTO conflicts BY NAME SELECT * FROM incoming_conflicts;

-- name: latest_text_version
SELECT version, text_hash, sentences FROM article_text_versions
WHERE story_id = ? AND url = ?
ORDER BY version DESC
LIMIT 1;

-- name: insert_text_version
INSERT INTO article_text_versions
    (story_id, url, outlet, version, fetched_at, text_hash, sentences, added, removed, edited, changes)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: versions_of_story
SELECT outlet, url, version, fetched_at, added, removed, edited, changes
FROM article_versions WHERE story_id = ?
ORDER BY outlet, url, version;

-- name: story_header
SELECT story_id, title, source_file, compared_at, sentence_pairs, unjudged_pairs FROM stories WHERE story_id = ?;

-- name: story_articles
SELECT article_no, outlet, url, status, error, truncation, language, title, author, published, site_name,
       fetched_at, source_article_no, n_sentences
FROM story_articles WHERE story_id = ? ORDER BY article_no;

-- name: claims_of_story
SELECT claim_id, status, n_outlets, outlets, text
FROM story_claims WHERE story_id = ?
ORDER BY CASE status WHEN 'contradicted' THEN 0 WHEN 'shared' THEN 1 WHEN 'possibly-shared' THEN 2 ELSE 3 END,
         n_outlets DESC, claim_id;

-- name: sentences_of_story
SELECT s.sentence_id, s.claim_id, s.article_no, s.position, s.text, c.status
FROM sentences s
JOIN story_claims c ON c.story_id = s.story_id AND c.claim_id = s.claim_id
WHERE s.story_id = ?
ORDER BY s.article_no, s.position;

-- name: conflicts_of_story
SELECT sa.claim_id, c.kind, c.score, c.what, c.value_a, c.value_b, coalesce(c.confidence, c.score) AS confidence,
       sa.article_no AS article_a, sa.text AS sentence_a, c.span_a_start, c.span_a_end,
       sb.article_no AS article_b, sb.text AS sentence_b, c.span_b_start, c.span_b_end
FROM conflicts c
JOIN sentences sa ON sa.story_id = c.story_id AND sa.sentence_id = c.sentence_a
JOIN sentences sb ON sb.story_id = c.story_id AND sb.sentence_id = c.sentence_b
WHERE c.story_id = ?
ORDER BY sa.claim_id, sa.article_no, sb.article_no;

-- name: figures_of_story
-- Things counted by at least two outlets, each outlet's figure: the report's Figures table.
SELECT f.slot, f.what, f.outlet, f.value_text, f.sentence, f.published, f.status
FROM figures f
WHERE f.story_id = ? AND f.slot IN (
    SELECT slot FROM figures WHERE story_id = ? GROUP BY slot HAVING count(DISTINCT outlet) >= 2)
ORDER BY f.slot, f.outlet, f.value_text;

-- name: coverage_of_story
SELECT outlet, sentences, shared, "unique", contradicted, possibly_shared
FROM outlet_coverage WHERE story_id = ? ORDER BY outlet;

-- name: sentence_labels
SELECT a.outlet, s.text AS sentence, c.status
FROM sentences s
JOIN story_articles a ON a.story_id = s.story_id AND a.article_no = s.article_no
JOIN story_claims c ON c.story_id = s.story_id AND c.claim_id = s.claim_id
WHERE s.story_id = ?;

-- name: story_urls
-- Each story's article URLs: `storydiff compare` re-uses the id of a story with the same links.
SELECT story_id, list(url) AS urls FROM story_articles GROUP BY story_id;

-- name: story_index
-- One row per story for the report index: when it ran, its articles, its claims per label.
WITH articles AS (
    SELECT story_id,
           count(*) FILTER (WHERE status IN ('ok', 'truncated')) AS compared,
           count(*) FILTER (WHERE status NOT IN ('ok', 'truncated')) AS failed,
           list_sort(list(outlet)) AS outlets
    FROM story_articles GROUP BY story_id
), claims AS (
    SELECT story_id,
           count(*) FILTER (WHERE status = 'contradicted') AS contradicted,
           count(*) FILTER (WHERE status = 'shared') AS shared,
           count(*) FILTER (WHERE status = 'possibly-shared') AS possibly_shared,
           count(*) FILTER (WHERE status = 'unique') AS "unique"
    FROM story_claims GROUP BY story_id
)
SELECT s.story_id, s.title, s.compared_at,
       coalesce(a.compared, 0) AS compared, coalesce(a.failed, 0) AS failed, coalesce(a.outlets, []) AS outlets,
       coalesce(c.contradicted, 0) AS contradicted, coalesce(c.shared, 0) AS shared,
       coalesce(c.possibly_shared, 0) AS possibly_shared, coalesce(c."unique", 0) AS "unique"
FROM stories s
LEFT JOIN articles a USING (story_id)
LEFT JOIN claims c USING (story_id)
ORDER BY s.compared_at DESC, s.story_id;

-- Public views, for the notebook API and `storydiff export`: $1 is a list of story ids, or NULL
-- for every story. One query per view; the view itself (schema.sql) holds the logic.

-- name: view_compared_stories
SELECT * FROM compared_stories
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id;

-- name: view_story_claims
SELECT * FROM story_claims
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id,
         CASE status WHEN 'contradicted' THEN 0 WHEN 'shared' THEN 1 WHEN 'possibly-shared' THEN 2 ELSE 3 END,
         n_outlets DESC, claim_id;

-- name: view_claim_sentences
SELECT * FROM claim_sentences
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, claim_id, outlet, sentence_id;

-- name: view_contradictions
SELECT * FROM contradictions
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, claim_id, outlet_a, outlet_b, sentence_a, sentence_b;

-- name: view_updates
SELECT * FROM updates
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, what, outlet_a, outlet_b;

-- name: view_figures
SELECT * FROM figures
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, slot, outlet, sentence_id, value_text;

-- name: view_richer_sentences
SELECT * FROM richer_sentences
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, claim_id, richer_outlet, other_outlet;

-- name: view_outlet_coverage
SELECT * FROM outlet_coverage
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, outlet;

-- name: view_articles
SELECT * FROM articles
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, outlet, url;

-- name: view_article_versions
SELECT * FROM article_versions
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY story_id, outlet, url, version;

-- name: feed_states
SELECT url, outlet, etag, last_modified, body_hash, status, failures, disabled, next_poll_at, last_polled_at
FROM feeds ORDER BY outlet, url;

-- name: add_feed
INSERT INTO feeds (url, outlet, status, failures, disabled) VALUES (?, ?, 'new', 0, false)
ON CONFLICT (url) DO NOTHING;

-- name: delete_feed
DELETE FROM feeds WHERE url = ?;

-- name: save_feed_state
INSERT OR REPLACE INTO feeds (url, outlet, etag, last_modified, body_hash, status, failures, disabled, next_poll_at,
                              last_polled_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert_feed_items
-- New items only: not the same canonical URL, nor the same GUID or content from the same outlet.
INSERT INTO feed_items (url, outlet, feed_url, guid, content_hash, title, summary, published, first_seen)
SELECT DISTINCT ON (i.url) i.url, i.outlet, i.feed_url, i.guid, i.content_hash, i.title, i.summary, i.published,
       i.first_seen
FROM incoming_feed_items i
WHERE NOT EXISTS (SELECT 1 FROM feed_items f
                  WHERE f.url = i.url
                     OR (f.outlet = i.outlet AND i.guid IS NOT NULL AND f.guid = i.guid)
                     OR (f.outlet = i.outlet AND i.title <> '' AND f.content_hash = i.content_hash))
RETURNING url;

-- name: recent_feed_items
-- Items seen since a time, in the order storydiff saw them: what grouping works on.
SELECT url, outlet, title, summary, published, first_seen, story_id, text FROM feed_items
WHERE first_seen >= ? ORDER BY first_seen, url;

-- name: set_item_text
UPDATE feed_items SET text = ?, fetch_status = ? WHERE url = ?;

-- name: story_has_items
SELECT 1 FROM feed_items WHERE story_id = ? LIMIT 1;

-- name: insert_story_merge
INSERT INTO story_merges (story_id, merged_into, merged_at) VALUES (?, ?, ?)
ON CONFLICT (story_id) DO UPDATE SET merged_into = excluded.merged_into, merged_at = excluded.merged_at;

-- name: assign_story
UPDATE feed_items SET story_id = ? WHERE url = ?;

-- name: view_discovered_stories
SELECT * FROM discovered_stories
WHERE $1::VARCHAR[] IS NULL OR list_contains($1::VARCHAR[], story_id)
ORDER BY last_seen DESC, story_id;

-- name: cached_robots
-- robots.txt answers younger than the cut-off (24 hours, RFC 9309).
SELECT origin, status, body FROM robots WHERE fetched_at >= ?;

-- name: save_robots
INSERT OR REPLACE INTO robots (origin, status, body, fetched_at) VALUES (?, ?, ?, ?);

-- name: has_story_generations
-- A database of views over Parquet results (parquet_store.py).
SELECT 1 FROM duckdb_views() WHERE view_name = 'story_generations' AND NOT temporary;

-- name: pin_story_generations
-- Which run is each story's, read once per connection rather than once per table a query joins
-- (a temporary table is found before the view of the same name): 0.66 s -> 0.10 s for one story's
-- claims among 200 (bench/parquet_store.py), and every query of the connection sees one state.
DROP TABLE IF EXISTS temp.main.story_generations;
CREATE TEMP TABLE story_generations AS SELECT * FROM story_generations;
