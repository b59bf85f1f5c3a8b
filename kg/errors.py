"""The errors kg reports, one class per kind of failure, each with its exit status.

Every error a user can cause (a bad input file, a malformed vocabulary or waiver, a busy output,
a query over its time) is a :class:`KgError`: its message names the file (and line, where there
is one) and the reason on one line, and ``exit_code`` says how the command ends. The CLI turns
them into ``kg: error: …`` and that status in one place; anything else is a bug and keeps its
traceback.

>>> InputError("a.ttl: malformed").exit_code, VocabularyError("x").exit_code
(2, 2)
"""

from __future__ import annotations

#: Exit statuses: all well / conforms, violations found (SHACL, orphaned edits), bad input.
EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


class KgError(Exception):
    """Base of every error a user can cause; ``exit_code`` is how the command ends."""

    exit_code = EXIT_BAD_INPUT


class InputError(KgError):
    """Bad input: the message names the file and the reason on one line."""


class DataFileError(InputError):
    """A data file of the project (ontology, shapes, waivers, mappings, queries) is malformed."""


class VocabularyError(DataFileError):
    """The vocabulary cannot serve as a lexicon (e.g. one surface form in two schemes)."""


class LockedError(InputError):
    """Another process is writing the same output."""


class QueryTimeout(InputError):
    """A query ran longer than it was allowed to."""


class UsageError(InputError):
    """Options that cannot go together, or a value of the wrong kind."""
