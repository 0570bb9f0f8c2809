"""cleanup: detect and repair machine-translation artefacts in news articles."""

__version__ = "0.1.0"

from .errors import CleanupError, GlossaryError, InputError, ModelError, UsageError  # noqa: E402
from .pipeline import Cleaner, Settings  # noqa: E402
from .result import Edit, Finding, Result, apply_edits  # noqa: E402

__all__ = [
    "Cleaner", "Settings", "Result", "Finding", "Edit", "apply_edits",
    "CleanupError", "GlossaryError", "InputError", "ModelError", "UsageError", "__version__",
]
