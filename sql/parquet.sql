-- Results and caches as Parquet files (parquet_store.py). {table} is one of storydiff's own table
-- names and {files} a quoted glob under the Parquet folder: neither comes from input, so they are
-- written into the text; every value is still bound. All files of a table have the columns of its
-- empty schema file (written from schema.sql), which is the first the glob lists: a view reads
-- only that file's footer to learn them. Story folders are Hive-style (story_id=<id>): a query
-- for one story reads that story's files only.

-- name: story_generations
-- The run whose rows are a story's results: the last one that finished writing them all.
CREATE OR REPLACE VIEW story_generations AS
SELECT * FROM read_parquet({files}, hive_partitioning = true)
QUALIFY row_number() OVER (PARTITION BY story_id ORDER BY compared_at DESC, generation DESC) = 1;

-- name: stories_over_parquet
CREATE OR REPLACE VIEW stories AS
SELECT * EXCLUDE (generation) FROM story_generations;

-- name: story_table_over_parquet
-- A story's rows of its current run only: those of a run killed halfway, or replaced, are not read.
CREATE OR REPLACE VIEW {table} AS
SELECT * EXCLUDE (generation) FROM read_parquet({files}, hive_partitioning = true) t
SEMI JOIN story_generations g ON g.story_id = t.story_id AND g.generation = t.generation;

-- name: appended_table_over_parquet
CREATE OR REPLACE VIEW {table} AS
SELECT * FROM read_parquet({files}, hive_partitioning = {hive});

-- name: copy_rows
COPY (SELECT * FROM {table}) TO $1 (FORMAT parquet);

-- name: copy_story_rows
COPY (SELECT *, $1::VARCHAR AS generation FROM {table} WHERE story_id = $2) TO $3 (FORMAT parquet);

-- name: copy_schema
COPY (SELECT * FROM {table} LIMIT 0) TO $1 (FORMAT parquet);

-- name: copy_story_schema
COPY (SELECT *, NULL::VARCHAR AS generation FROM {table} LIMIT 0) TO $1 (FORMAT parquet);

-- name: any_staged
SELECT 1 FROM {table} LIMIT 1;

-- name: stories_with_staged_versions
SELECT DISTINCT story_id FROM article_text_versions;

-- name: copy_versions_of_story
COPY (SELECT * FROM article_text_versions WHERE story_id = $1) TO $2 (FORMAT parquet);

-- name: page_stored
SELECT 1 FROM pages WHERE sha256 = ? LIMIT 1;

-- name: current_generations
SELECT story_id, generation FROM story_generations;

-- name: current_story_row
SELECT story_id, title, source_file, compared_at, fingerprint, sentence_pairs, unjudged_pairs, generation
FROM story_generations WHERE story_id = ?;

-- name: stage_story_row
INSERT INTO stories (story_id, title, source_file, compared_at, fingerprint, sentence_pairs, unjudged_pairs)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: clear_staged
DELETE FROM {table};

-- name: empty_table
-- A watch table, empty: the watch flow's state lives in single-file mode only.
CREATE TABLE IF NOT EXISTS {table} ({columns});

-- name: table_names
SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE';

-- name: table_columns
SELECT column_name, data_type FROM information_schema.columns
WHERE table_name = ? AND table_schema = 'main'
ORDER BY ordinal_position;

-- Compaction: one file's worth of each table, a row stored twice (two workers, one key) kept once.
-- name: compact_pages
COPY (SELECT DISTINCT ON (sha256) * FROM read_parquet({files})) TO $1 (FORMAT parquet);

-- name: compact_fetches
COPY (SELECT * FROM read_parquet({files}) ORDER BY fetched_at) TO $1 (FORMAT parquet);

-- name: shared_robots_answer
-- An origin's robots.txt answer kept since the cut-off by any worker, the latest first.
SELECT status, body FROM read_parquet({files}) WHERE origin = $1 AND fetched_at >= $2
ORDER BY fetched_at DESC LIMIT 1;

-- name: write_robots_answer
-- One answer as a file of its own, in the robots table's columns (schema.sql).
COPY (SELECT $1::VARCHAR AS origin, $2::INTEGER AS status, $3::VARCHAR AS body, $4::TIMESTAMPTZ AS fetched_at)
TO $5 (FORMAT parquet);

-- name: compact_robots
COPY (SELECT * FROM read_parquet({files})
      QUALIFY row_number() OVER (PARTITION BY origin ORDER BY fetched_at DESC) = 1) TO $1 (FORMAT parquet);

-- name: compact_embeddings
COPY (SELECT DISTINCT ON (model, text_hash) * FROM read_parquet({files})) TO $1 (FORMAT parquet);

-- name: compact_nli_scores
COPY (SELECT DISTINCT ON (model, premise_hash, hypothesis_hash) * FROM read_parquet({files}))
TO $1 (FORMAT parquet);

-- name: compact_extractions
COPY (SELECT DISTINCT ON (page_sha256, extractor) * FROM read_parquet({files}))
TO $1 (FORMAT parquet);

-- name: compact_article_text_versions
COPY (SELECT DISTINCT ON (story_id, url, version) * FROM read_parquet({files}))
TO $1 (FORMAT parquet);
