"""Field verification: the pocket lists go to the kelurahan, and the findings come back.

:func:`make_forms` writes, per kelurahan, the households to check (those in its
pockets, or all of its poor) as a printable A4 workbook and PDF, and one XLSForm for
ODK Collect / KoboToolbox. :func:`apply_returns` reads the filled workbooks and the
ODK/Kobo CSV exports, validates every row, writes the corrected household file beside
the original, re-runs the pockets on it and reports what verification changed.

Modules: :mod:`~kantong.verify.forms` (workbooks), :mod:`~kantong.verify.pdf`,
:mod:`~kantong.verify.xlsform`, :mod:`~kantong.verify.returns` (reading returns),
:mod:`~kantong.verify.checks` (validation), :mod:`~kantong.verify.apply` (corrected file,
audit, re-run) and :mod:`~kantong.verify.report` (changes, coverage, verifikasi.xlsx).
"""

from kantong.verify._common import FINDINGS, FORM_VERSION, NEW, finding_label, load_run, parse_finding
from kantong.verify.apply import AUDIT_COLUMNS, VERIFY_COLUMNS, VerifyOptions, VerifyResult, apply_returns
from kantong.verify.forms import make_forms
from kantong.verify.returns import Issue, read_return

__all__ = [
    "AUDIT_COLUMNS",
    "FINDINGS",
    "FORM_VERSION",
    "Issue",
    "NEW",
    "VERIFY_COLUMNS",
    "VerifyOptions",
    "VerifyResult",
    "apply_returns",
    "finding_label",
    "load_run",
    "make_forms",
    "parse_finding",
    "read_return",
]
