"""The ONNX backends give the torch model's vectors, exported once and loaded from the cache."""

import numpy as np
import pytest

from storydiff.embed import embed_texts, embedder_name, load_embedder, text_hash

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


def test_onnx_nli_gives_the_torch_probabilities(tmp_path):
    from storydiff.nli import NliModel, load_nli_model

    pairs = [("Four thieves took part in the raid.", "Two thieves took part in the raid."),
             ("The minister resigned on Friday after weeks of pressure.", "The minister stepped down on Friday."),
             ("The museum stayed closed.", "Tourists queued outside the glass pyramid for hours before being told to leave.")]
    reference = load_nli_model().predict(pairs)
    onnx = NliModel("storydiff-nli-minilm-l6", backend="onnx", cache_dir=tmp_path).predict(pairs)
    assert np.abs(onnx - reference).max() < 1e-3
    assert (tmp_path / "nli" / "storydiff-nli-minilm-l6" / "model.onnx").exists()
