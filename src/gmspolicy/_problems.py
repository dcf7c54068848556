"""The problems input data can have: :class:`Problem` and its :class:`ProblemCode`.
Re-exported by :mod:`gmspolicy.errors`, where they are documented (imported when first
named: a command whose input is a cached snapshot never builds them)."""

from __future__ import annotations

import enum

import attrs


class ProblemCode(enum.StrEnum):
    """What kind of problem a :class:`Problem` is: a stable name a program can test, while
    the message is for people (and may be reworded). The vocabulary is listed, with what
    each code means, in the dataset format documentation (``docs/data-format.md``); codes
    are never renamed or reused for another meaning."""

    # files and their syntax
    NOT_A_DIRECTORY = "not-a-directory"
    NOT_A_FILE = "not-a-file"
    UNREADABLE_FILE = "unreadable-file"
    NOT_UTF8 = "not-utf8"
    NUL_BYTE = "nul-byte"
    EMPTY_FILE = "empty-file"
    INVALID_YAML = "invalid-yaml"
    INVALID_JSON = "invalid-json"
    INVALID_CSV = "invalid-csv"
    BAD_HEADER = "bad-header"
    WRONG_COLUMN_COUNT = "wrong-column-count"
    # records and fields
    NOT_A_LIST = "not-a-list"
    NOT_A_MAPPING = "not-a-mapping"
    INVALID_FIELD = "invalid-field"
    MISSING_VALUE = "missing-value"
    UNKNOWN_ACTION = "unknown-action"
    INVALID_DATE = "invalid-date"
    MISSING_TEXT = "missing-text"
    BAD_CODE = "bad-code"
    BAD_ID = "bad-id"
    UNPUBLISHABLE = "unpublishable"
    LINK_OUTSIDE = "link-outside"
    TOO_MANY_PROBLEMS = "too-many-problems"
    # identities and references
    DUPLICATE_ID = "duplicate-id"
    DUPLICATE_NAME = "duplicate-name"
    DUPLICATE_PARTICIPATION = "duplicate-participation"
    DUPLICATE_ACTION = "duplicate-action"
    DUPLICATE_FACT = "duplicate-fact"
    UNKNOWN_COUNTRY = "unknown-country"
    UNKNOWN_INSTRUMENT = "unknown-instrument"
    UNKNOWN_SOURCE = "unknown-source"
    UNKNOWN_PARENT = "unknown-parent"
    UNKNOWN_MOU = "unknown-mou"
    BAD_PARENT = "bad-parent"
    SELF_REFERENCE = "self-reference"
    # sources
    NO_SOURCE = "no-source"
    NO_AUTHORITY = "no-authority"
    ONLY_COPIES = "only-copies"
    SOURCE_URL = "source-url"
    LOCAL_SOURCE = "local-source"
    # dates and their order
    FUTURE_DATE = "future-date"
    AFTER_SOURCE_SEEN = "after-source-seen"
    AFTER_SOURCE_CURRENT = "after-source-current"
    DATE_ORDER = "date-order"
    BEFORE_ADOPTION = "before-adoption"
    # facts against each other
    ACTION_ORDER = "action-order"
    CONTRADICTS_NO_ACTION = "contradicts-no-action"
    NOT_APPLICABLE = "not-applicable"
    PARENT_NOT_PARTY = "parent-not-party"
    ILO_SIGNATURE = "ilo-signature"
    TOO_FEW_PARTIES = "too-few-parties"
    BAD_EDITION = "bad-edition"
    # reviews, UPR recommendations and reporting status
    UNKNOWN_OBSERVATION = "unknown-observation"
    UNKNOWN_REVIEW = "unknown-review"
    UNKNOWN_TAG = "unknown-tag"
    BAD_CYCLE = "bad-cycle"
    BAD_SYMBOL = "bad-symbol"
    BEFORE_PARTY = "before-party"
    DUPLICATE_REVIEW = "duplicate-review"
    MISSING_RESPONSE = "missing-response"
    WRONG_MECHANISM = "wrong-mechanism"
    # merging loaded facts into a dataset (``gmspolicy fetch``)
    MERGE_CONFLICT = "merge-conflict"


@attrs.frozen(order=True)
class Problem:
    """One problem found in input data, with the place it was found and its code.

    ``place`` is ``"FILE:LINE"`` where known, a file name, or ``None``; ``code`` says what
    kind of problem it is (:class:`ProblemCode`): test the code, never the message text.
    """

    place: str | None
    message: str
    code: ProblemCode

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message
