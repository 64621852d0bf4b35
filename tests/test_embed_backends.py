"""The ONNX backends give the torch model's vectors, exported once and loaded from the cache."""

import numpy as np
import pytest

from storydiff.embed import embed_rows, embed_texts, embedder_name, load_embedder, text_hash

TEXTS = [
    "Four thieves took part in the raid, according to the Paris prosecutor's office.",
    "Two thieves took part in the raid.",
    "The museum stayed closed for the rest of the day.",
    "x",
    "A much longer sentence about the insurance value of the stolen jewels, which experts said may never be recovered intact.",
]


@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.9999), ("onnx-int8", 0.97)])
def test_onnx_vectors_match_torch(backend, floor, tmp_path):
    reference = load_embedder("all-MiniLM-L6-v2").encode(TEXTS)
    embedder = load_embedder("all-MiniLM-L6-v2", 64, backend, tmp_path)
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == reference.shape
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= floor and cosines.mean() >= 0.985, cosines
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert (tmp_path / "embedder" / "all-MiniLM-L6-v2" / "model.onnx").exists()
    assert embedder.name == embedder_name("all-MiniLM-L6-v2", backend) != "all-MiniLM-L6-v2"


def test_nothing_to_encode_loads_no_model():
    def never():
        raise AssertionError("the model was loaded with every vector cached")

    vectors, fresh = embed_texts(["a b c d"], never, {text_hash("a b c d"): np.ones(3)})
    assert fresh == {} and vectors.shape == (1, 3)


def test_only_the_wanted_rows_are_embedded_the_others_are_zero():
    asked = []

    def encode(texts):
        asked.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    vectors = embed_rows(["ab", "cde", "f"], [True, False, True], encode)
    assert asked == [["ab", "f"]]
    assert vectors.tolist() == [[2.0, 1.0], [0.0, 0.0], [1.0, 1.0]]
    assert embed_rows(["ab"], [False], encode).shape == (1, 0) and len(asked) == 1


def test_onnx_nli_gives_the_torch_probabilities(tmp_path):
    from storydiff.nli import NliModel, load_nli_model

    pairs = [("Four thieves took part in the raid.", "Two thieves took part in the raid."),
             ("The minister resigned on Friday after weeks of pressure.", "The minister stepped down on Friday."),
             ("The museum stayed closed.", "Tourists queued outside the glass pyramid for hours before being told to leave.")]
    reference = load_nli_model().predict(pairs)
    onnx = NliModel("storydiff-nli-minilm-l6", backend="onnx", cache_dir=tmp_path).predict(pairs)
    assert np.abs(onnx - reference).max() < 1e-3
    assert (tmp_path / "nli" / "storydiff-nli-minilm-l6" / "model.onnx").exists()


TRICKY = TEXTS + [
    "Hélène Dupont, 34, said the café’s “glass pyramid” was shut — ＦＵＬＬ width, naïve, 東京, emoji 🚓.",
    "  leading and trailing spaces\tand\u00a0no-break spaces  ",
    " ".join(["a very long sentence that keeps going"] * 60),
]


@pytest.mark.parametrize("model", ["all-MiniLM-L6-v2", "storydiff-nli-minilm-l6"])
def test_fast_tokenizer_gives_the_transformers_ids(model):
    """The ONNX backends tokenize without transformers; their ids must be transformers' own,
    single texts and pairs, including truncation (longest first) and padding."""
    from transformers import AutoTokenizer

    from storydiff.embed import resolve_model
    from storydiff.nli import resolve_nli_model
    from storydiff.onnx_export import FastTokenizer

    source = resolve_model(model) if model.startswith("all-") else resolve_nli_model(model)
    reference = AutoTokenizer.from_pretrained(source)
    fast = FastTokenizer(source, max_length=128)
    premises, hypotheses = TRICKY, TRICKY[::-1]
    for args in ([premises], [premises, hypotheses]):
        ours = fast(*args)
        theirs = reference(*args, truncation=True, max_length=128, padding=True, return_tensors="np")
        for name in ("input_ids", "attention_mask", "token_type_ids"):
            assert np.array_equal(ours[name], theirs[name]), name
        assert ours["input_ids"].shape[1] == 128  # the long text was cut, and the rest padded to it


def test_int8_results_do_not_depend_on_the_other_inputs():
    """int8 activations share one quantization scale per batch; storydiff runs int8 models one
    input at a time, so a sentence's vector and a pair's probabilities never depend on what
    else was being embedded or judged."""
    from storydiff.nli import PACKAGED_NLI_MODEL, load_nli_model
    from storydiff.settings import Settings

    cache = Settings().model_cache
    embedder = load_embedder("all-MiniLM-L6-v2", 64, "onnx-int8", cache)
    alone = np.stack([embedder.encode([text])[0] for text in TRICKY])
    assert np.allclose(embedder.encode(TRICKY), alone, atol=1e-6)
    nli = load_nli_model(PACKAGED_NLI_MODEL, 32, "onnx-int8", cache)
    pairs = [(a, b) for a in TEXTS for b in TEXTS if a != b]
    alone = np.stack([nli.predict([pair])[0] for pair in pairs])
    assert np.allclose(nli.predict(pairs), alone, atol=1e-6)
