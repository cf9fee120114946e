"""Errors and warnings kantong raises.

Every error names what is wrong (the file, the row or the column) and what to do about
it, in the language chosen with :func:`kantong.set_language` (Bahasa Indonesia by
default). The CLI prints them without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class KantongError(Exception):
    """Base class of kantong's errors: a problem with the user's input or options.

    Parameters
    ----------
    message
        What is wrong, already in the user's language.
    hint
        What to do about it.
    path
        The file concerned, if any.
    """

    def __init__(self, message: str, *, hint: str | None = None, path: str | Path | None = None) -> None:
        self.message = message
        self.hint = hint
        self.path = None if path is None else str(path)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = self.message
        if self.path and self.path not in text:
            text = f"{self.path}: {text}"
        if self.hint:
            text = f"{text}\n  -> {self.hint}"
        return text


class InputError(KantongError, ValueError):
    """An input file cannot be used as it is (missing, unreadable, no usable columns)."""


class OptionError(KantongError, ValueError):
    """An option has a value kantong cannot use (an invalid ``--poor`` expression, ...)."""


class KantongWarning(UserWarning):
    """Something in the input was repaired or guessed; the message says how to fix it."""


class RepairWarning(KantongWarning):
    """Something in the input was repaired, guessed or set aside (invalid polygons, swapped
    coordinates, unparseable values); the message counts the cases and says how to fix them."""


class DataWarning(KantongWarning):
    """The input looks wrong for the analysis (most points outside their listed village, a
    column missing so a figure is unknown); the results may mislead until it is fixed."""


class PrivacyWarning(KantongWarning):
    """Personal data (NIK, names, addresses, exact household points) is being written or shown."""


class OfflineWarning(KantongWarning):
    """A map cannot be made fully offline (its scripts are not cached) and links a CDN instead."""
