"""User-facing text in Bahasa Indonesia (default) or English.

Code, docstrings and logs are English; what a planner reads (CLI messages, notes in
the output files, map labels, spreadsheet headers) goes through :func:`tr`.
"""

from __future__ import annotations

import math
import warnings
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


def warn(id_text: str, en_text: str, /, category: type[Warning] | None = None, *, stacklevel: int = 2, **kw: object) -> None:
    """Issue a user-facing warning in the current language (one helper for every stage).

    ``category`` is a subclass of :class:`kantong.KantongWarning` (``RepairWarning``,
    ``DataWarning``, ``PrivacyWarning``, ``OfflineWarning``) so users can filter them.
    """
    from kantong._errors import KantongWarning

    warnings.warn(tr(id_text, en_text, **kw), category or KantongWarning, stacklevel=stacklevel + 1)


# --------------------------------------------------------------------------------------
# numbers, formatted for the language (one formatter for messages, maps and workbooks)
# --------------------------------------------------------------------------------------


def localise_number(text: str) -> str:
    """``1,234.5`` -> ``1.234,5`` in Bahasa Indonesia; unchanged in English.

    Examples
    --------
    >>> with language("id"):
    ...     localise_number("40,000 and 11.2")
    '40.000 and 11,2'
    """
    if _state["lang"] == "id":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _finite(value: object) -> bool:
    try:
        return value is not None and math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def fmt_int(value: object) -> str:
    """A whole number with thousands separators: ``40.000`` (id), ``40,000`` (en).

    Examples
    --------
    >>> with language("id"):
    ...     fmt_int(40000)
    '40.000'
    """
    if not _finite(value):
        return "–"
    return localise_number(f"{int(round(float(value))):,}")  # type: ignore[arg-type]


def fmt_num(value: object, digits: int = 1) -> str:
    """A decimal number: ``11,2`` (id), ``11.2`` (en); ``∞`` for infinity, ``–`` for none.

    Examples
    --------
    >>> with language("id"):
    ...     fmt_num(0.05, 2)
    '0,05'
    """
    if not _finite(value):
        try:
            return "∞" if value is not None and math.isinf(float(value)) else "–"  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return "–"
    return localise_number(f"{float(value):,.{digits}f}")  # type: ignore[arg-type]


def fmt_pct(fraction: object, digits: int = 1) -> str:
    """A fraction as a percentage: ``11,2%`` (id), ``11.2%`` (en)."""
    if not _finite(fraction):
        return "–"
    return f"{fmt_num(100.0 * float(fraction), digits)}%"  # type: ignore[arg-type]


def fmt_p(p: object) -> str:
    """A p-value: three decimals, ``< 0,001`` below that."""
    if not _finite(p):
        return "–"
    return f"< {fmt_num(0.001, 3)}" if float(p) < 0.001 else fmt_num(p, 3)  # type: ignore[arg-type]


def fmt_rp(value: object) -> str:
    """Rupiah as planners write it: ``Rp 5.000.000`` (id) or ``Rp 5,000,000`` (en)."""
    return "Rp " + fmt_int(value)
