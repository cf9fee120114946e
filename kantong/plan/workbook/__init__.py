"""The workbooks: ``pockets.xlsx`` (aggregates, shareable), ``internal/overlaps.xlsx`` and
``internal/penerima.xlsx`` (the families themselves: personal data)."""

from kantong.plan.workbook.overlaps import write_overlaps_xlsx
from kantong.plan.workbook.penerima import recipients_table, write_recipients_xlsx
from kantong.plan.workbook.pockets import write_pockets_xlsx

__all__ = ["recipients_table", "write_overlaps_xlsx", "write_pockets_xlsx", "write_recipients_xlsx"]
