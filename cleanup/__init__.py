"""cleanup: detect and repair machine-translation artefacts in news articles.

The public API is imported lazily so that ``cleanup --help`` starts fast.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "Cleaner": "pipeline", "Settings": "pipeline", "Span": "result", "OffsetMap": "result",
    "Result": "result", "Finding": "result", "Edit": "result", "apply_edits": "result",
    "CleanupError": "errors", "GlossaryError": "errors", "InputError": "errors",
    "ModelError": "errors", "OutputError": "errors", "UsageError": "errors",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'cleanup' has no attribute {name!r}")
