"""Field verification: the pocket lists go to the kelurahan, and the findings come back.

:func:`make_forms` writes, per kelurahan, the households to check (those in its
pockets, or all of its poor) as a printable A4 workbook and PDF, and one XLSForm for
ODK Collect / KoboToolbox. :func:`apply_returns` reads the filled workbooks and the
ODK/Kobo CSV exports, validates every row, writes the corrected household file beside
the original, re-runs the pockets on it and reports what verification changed.
"""

from kantong.verify._common import FINDINGS, FORM_VERSION, finding_label, parse_finding
from kantong.verify.forms import make_forms

__all__ = ["FINDINGS", "FORM_VERSION", "finding_label", "parse_finding", "make_forms"]
