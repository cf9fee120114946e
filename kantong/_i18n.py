"""User-facing text in Bahasa Indonesia (default) or English.

Code, docstrings and logs are English; what a planner reads (CLI messages, notes in
the output files, map labels, spreadsheet headers) goes through :func:`tr`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Literal

Lang = Literal["id", "en"]
LANGUAGES: tuple[str, ...] = ("id", "en")
_state: dict[str, str] = {"lang": "id"}


def set_language(lang: str) -> None:
    """Choose the language of user-facing text: ``"id"`` (default) or ``"en"``.

    Examples
    --------
    >>> import kantong
    >>> kantong.set_language("en")
    >>> kantong.get_language()
    'en'
    >>> kantong.set_language("id")
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    _state["lang"] = lang


def get_language() -> str:
    """Return the language of user-facing text (``"id"`` or ``"en"``)."""
    return _state["lang"]


@contextmanager
def language(lang: str | None) -> Iterator[None]:
    """Temporarily switch the language (``None`` keeps the current one)."""
    old = _state["lang"]
    if lang is not None:
        set_language(lang)
    try:
        yield
    finally:
        _state["lang"] = old


def tr(id_text: str, en_text: str, /, **kw: object) -> str:
    """Pick the Indonesian or English text and format it with ``kw``."""
    text = en_text if _state["lang"] == "en" else id_text
    return text.format(**kw) if kw else text
