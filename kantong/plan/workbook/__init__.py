"""The workbooks: ``pockets.xlsx`` (aggregates, shareable) and ``internal/overlaps.xlsx``
(the families themselves: personal data)."""

from kantong.plan.workbook.overlaps import write_overlaps_xlsx
from kantong.plan.workbook.pockets import write_pockets_xlsx

__all__ = ["write_overlaps_xlsx", "write_pockets_xlsx"]
