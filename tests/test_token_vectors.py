"""Token vectors: the sentence model's vocabulary run once, summed over whole articles."""

import numpy as np
import pytest

from storydiff.discover.grouping import Article, article_vectors
from storydiff.discover.token_vectors import TABLE_FILE, load_token_vectors
from storydiff.embed import MULTILINGUAL_MODEL, exported_embedder, load_embedder
from storydiff.errors import StorydiffError
from storydiff.settings import GroupSettings, Settings

SETTINGS = Settings()


@pytest.fixture(scope="module")
def token_vectors():
    return load_token_vectors(SETTINGS.model, SETTINGS.model_cache, SETTINGS.threads)


def test_the_table_is_the_models_vector_for_each_token_alone(token_vectors):
    table = token_vectors.table
    assert table.shape == (30522, 384) and table.dtype == np.float32
    assert (exported_embedder(SETTINGS.model, SETTINGS.model_cache).parent / TABLE_FILE).exists()
    embedder = load_embedder(SETTINGS.model, SETTINGS.embed_batch_size, SETTINGS.embed_backend, SETTINGS.model_cache,
                             SETTINGS.threads)
    words = ["earthquake", "parliament", "budget"]
    ids = [token_vectors._tokenizer.token_to_id(word) for word in words]
    # the embedder runs int8 weights, the table fp32: close, not equal
    cosines = (embedder.encode(words) * table[ids]).sum(axis=1) / np.linalg.norm(table[ids], axis=1)
    assert cosines.min() > 0.95
    assert float(table[ids[0]] @ table[ids[1]]) < 0.9 * float(table[ids[0]] @ table[ids[0]])


def test_whole_texts_count_not_only_their_first_128_tokens(token_vectors):
    opening = "The council met on Monday to discuss the agenda for the coming season. " * 20  # > 128 tokens
    quake = opening + "Later an earthquake struck Sumbawa and damaged houses in Bima."
    vote = opening + "Later parliament passed the budget by 212 votes after a night of debate."
    quake_again = opening + "An earthquake on Sumbawa damaged houses in Bima, officials said later."
    vectors = token_vectors.encode([quake, vote, quake_again])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[2]) > float(vectors[0] @ vectors[1])


def test_words_every_text_uses_weigh_least(token_vectors):
    texts = ["Officials said on Tuesday that the earthquake on Sumbawa damaged houses.",
             "Officials said on Tuesday that the budget passed parliament.",
             "Officials said on Tuesday that the earthquake killed two people on Sumbawa.",
             "Officials said on Tuesday that the wine harvest in Napa was early."]
    weighted = token_vectors.encode(texts)
    # the same sums with every token weighing alike: the shared opening pulls all four together
    plain = np.array([token_vectors.table[encoding.ids].sum(axis=0)
                      for encoding in token_vectors._tokenizer.encode_batch(texts, add_special_tokens=False)])
    plain /= np.linalg.norm(plain, axis=1, keepdims=True)
    assert float(weighted[0] @ weighted[1]) < float(plain[0] @ plain[1]) - 0.03  # 0.87 against 0.93
    similar = weighted @ weighted.T
    assert similar[0, 2] > similar[0, 1] and similar[0, 2] > similar[0, 3]


def test_empty_input_and_empty_texts_give_zero_vectors(token_vectors):
    assert token_vectors.encode([]).shape == (0, 384)
    vectors = token_vectors.encode(["", "Quake hits Sumbawa"])
    assert not vectors[0].any() and np.isclose(np.linalg.norm(vectors[1]), 1.0)
    assert not token_vectors.encode(["", ""]).any()


def test_article_vectors_mix_the_two_cosines_by_their_weight(token_vectors):
    articles = [Article("a", "X", None, "Quake hits Sumbawa", "Houses were damaged in Bima.", None),
                Article("b", "Y", None, "Budget passes", "Parliament voted 212 to 80.", None),
                Article("c", "Z", None, "", "An earthquake damaged houses in Bima on Sumbawa island.", None)]
    sentence = np.eye(3, 4, dtype=np.float32)  # any unit rows: the mix is checked, not the model
    settings = GroupSettings(text_vector_weight=0.3)
    read = []
    mixed = article_vectors(articles, lambda texts: read.extend(texts) or sentence, token_vectors, settings)
    texts = token_vectors.encode([a.full_text for a in articles])
    assert np.allclose(mixed @ mixed.T, 0.7 * sentence @ sentence.T + 0.3 * texts @ texts.T, atol=1e-6)
    # the sentence model reads titles; an untitled article's text stands in for its title
    assert read == ["Quake hits Sumbawa", "Budget passes", articles[2].text]


def test_a_model_without_a_tokenizer_is_a_one_line_error(tmp_path):
    with pytest.raises(StorydiffError, match="grouping needs a transformer model") as info:
        load_token_vectors(MULTILINGUAL_MODEL, tmp_path)
    assert "\n" not in str(info.value)
