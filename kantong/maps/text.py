"""Text on the map: escaping user-supplied strings for HTML and inline JavaScript,
one-line plain text, and the words under the title (:class:`MapText`).

Numbers are formatted by :mod:`kantong._i18n` (``fmt_int``, ``fmt_num``, ``fmt_pct``,
``fmt_p``) and deprivation names come from :func:`kantong._vocab.dimension_label`: one
formatter and one label table for the map, the workbook and the messages.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass

import pandas as pd

from kantong._vocab import dimension_label

__all__ = ["MapText", "escape_text"]


@dataclass(frozen=True)
class MapText:
    """The words a map or figure carries besides its data.

    Attributes
    ----------
    title
        Map title (default: "Kantong Kemiskinan" and the area of the data).
    source
        Shown under the title ("Sumber: ...").
    data_date
        Shown under the title ("Data per ...").
    caption
        An extra line for the caption (after the method and the priority rule).
    """

    title: str | None = None
    source: str | None = None
    data_date: str | None = None
    caption: str | None = None


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def _plain(value: object, *, max_len: int | None = None) -> str:
    """A user-supplied value as one clean line of text (no control characters)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


def escape_text(value: object, *, max_len: int | None = None) -> str:
    """Escape a user-supplied value for HTML that may also sit in JavaScript source.

    ``& < > " '`` become HTML entities (:func:`html.escape`), and so do the characters
    that matter inside a JavaScript template literal or string (backtick, ``$``,
    backslash, braces); newlines become ``<br>``; other control characters and the
    JavaScript line separators U+2028/U+2029 become spaces.

    Examples
    --------
    >>> escape_text('<script>alert(1)</script>')
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_text('`${alert(3)}` \\\\ "x"\\nRT 01')
    '&#96;&#36;&#123;alert(3)&#125;&#96; &#92; &quot;x&quot;<br>RT 01'
    """
    text = html.escape(_plain(value, max_len=max_len), quote=True)
    for char, entity in (("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;"), ("{", "&#123;"), ("}", "&#125;")):
        text = text.replace(char, entity)
    return text.replace("\n", "<br>")


def _js_json(obj: object) -> str:
    """JSON that is safe inside an inline ``<script>``: no ``</script>`` or ``<!--`` can
    occur (``<`` and ``>`` are escaped), nor a raw U+2028/U+2029."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, esc in (("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, esc)
    return text



def _deprivation_label(dim: str) -> str:
    """A deprivation dimension as the map names it (``lantai tanah/bambu``)."""
    return dimension_label(dim, long=True)
