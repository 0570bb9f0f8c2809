import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs a fixed set of examples (a landing never depends on luck); locally every run
# explores new ones, and `make fuzz` runs the large randomized budget.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

from cleanup import Cleaner

# The lexicon test model fixtures (lexicon_model, argos_zip, nllb_model), built once a session.
pytest_plugins = ["tests.model_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b9882e595d678b98.txt"
# An article of two artefacts for I/O tests: the second ("de -escalation") is the sign of machine
# translation that lets the first, made of common words, be edited (README "Precision").
ARTEFACT = "The missile strikes raised fears of a wider military climbing, and officials called for de -escalation."
FIXED = "The missile strikes raised fears of a wider military escalation, and officials called for de-escalation."

# Tests never touch the user's model registry, and no config file above the checkout applies
# (tests/test_config.py lifts this).
os.environ["CLEANUP_DATA_DIR"] = tempfile.mkdtemp(prefix="cleanup-test-data-")
os.environ["CLEANUP_NO_CONFIG"] = "1"
os.environ["CLEANUP_CACHE_DIR"] = tempfile.mkdtemp(prefix="cleanup-test-cache-")


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="session")
def mt_cleaner() -> Cleaner:
    """A cleaner told its input is machine-translated (``--assume-mt``): single test sentences
    have no other artefact to corroborate one made of common words."""
    from cleanup.pipeline import Settings

    return Cleaner(settings=Settings(assume_mt=True))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
