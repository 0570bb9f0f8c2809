"""Session fixtures: the lexicon test model built once per run (opus, argos zip, nllb).

Use in a test module with:  from tests.model_fixtures import lexicon_model  # noqa: F401
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cleanup.testing.lexicon_model import build_model, load_lexicon

DATA = Path(__file__).parent / "data"
LEXICON_TSV = DATA / "lexicon_fr_en.tsv"


def lexicon() -> dict[str, list[str]]:
    """The parsed test lexicon: French word -> ranked English words."""
    return load_lexicon(LEXICON_TSV)


def random_sentences(count: int = 20, seed: int = 0) -> list[tuple[str, str]]:
    """Deterministic (French, expected word-for-word English) pairs, 3-15 words."""
    words = lexicon()
    vocab = sorted(words)
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        chosen = [rng.choice(vocab) for _ in range(rng.randint(3, 15))]
        pairs.append((" ".join(chosen), " ".join(words[w][0] for w in chosen)))
    return pairs


@pytest.fixture(scope="session")
def lexicon_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OPUS-MT-style CTranslate2 folder named like a real conversion."""
    return build_model(LEXICON_TSV, tmp_path_factory.mktemp("models") / "opus-mt-fr-en")


@pytest.fixture(scope="session")
def argos_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Argos Translate package zipped as translate-fr_en.argosmodel."""
    folder = tmp_path_factory.mktemp("argos") / "translate-fr_en"
    return build_model(LEXICON_TSV, folder, layout="argos", zip_argos=True)


@pytest.fixture(scope="session")
def nllb_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NLLB-200-style CTranslate2 folder."""
    return build_model(LEXICON_TSV, tmp_path_factory.mktemp("nllb") / "nllb-200-lexicon",
                       layout="nllb")
