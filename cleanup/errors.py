"""Typed errors, mapped to exit codes once in the CLI."""


class CleanupError(Exception):
    """Base class: every expected failure; the CLI maps it to exit status 2."""


class InputError(CleanupError):
    """Unreadable or invalid input file."""


class OutputError(CleanupError):
    """A target that cannot be written (disk full, special file, owner that cannot be kept,
    text the file's encoding cannot hold); nothing was changed."""


class GlossaryError(CleanupError):
    """A glossary or language file that cannot be loaded."""


class ModelError(CleanupError):
    """A translation model that cannot be found, loaded or used."""


class UsageError(CleanupError):
    """Options that do not fit together."""
