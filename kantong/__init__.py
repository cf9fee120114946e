"""kantong: find poverty pockets (kantong kemiskinan) in Indonesian household registers."""

from kantong._errors import InputError, KantongError, KantongWarning, OptionError
from kantong._i18n import get_language, set_language

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "KantongError",
    "KantongWarning",
    "OptionError",
    "get_language",
    "set_language",
    "__version__",
]
