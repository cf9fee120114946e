"""Reading the returns: filled workbooks and ODK / KoboToolbox CSV exports.

Both become one table of return rows (:data:`RETURN_COLUMNS`), one row per filled line
or submission, with its file and row; what cannot be read is an :class:`Issue` naming
the file and the row, never a silent loss. Workbook columns are found by their header
text (any order, any case, either language); rows typed in by hand under the list are
new families when they have a name and no id. Dates and numbers may come as Excel
dates, serial numbers or text with a decimal comma.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kantong._i18n import tr
from kantong._normalize import label_key
from kantong.verify._common import DATA_SHEET, META_SHEET, NEW, column_of_header, parse_finding
from kantong.verify.xlsform import FIELDS

__all__ = ["INVALID", "Issue", "ReturnFile", "read_return", "RETURN_COLUMNS", "parse_date", "parse_number"]

#: the columns of a return table
RETURN_COLUMNS: tuple[str, ...] = (
    "file", "row", "kind", "officer", "household_id", "finding_raw", "finding", "new_address",
    "lat", "lon", "date", "remarks", "head_name", "address", "rt", "rw", "members", "kode",
    "run_id", "form_version", "fingerprint",
)


@dataclass(frozen=True)
class Issue:
    """One problem with a return: the file, the row (0 for the whole file), the
    household concerned, a short code and the message in the user's language."""

    file: str
    row: int
    household_id: str
    code: str
    message: str
    applied: bool = False


@dataclass
class ReturnFile:
    """One returned file as read: its kind, metadata, rows and the problems met."""

    path: Path
    kind: str
    fingerprint: str
    meta: dict[str, str] = field(default_factory=dict)
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(RETURN_COLUMNS)))
    issues: list[Issue] = field(default_factory=list)
    label: str = ""

    @property
    def name(self) -> str:
        """How messages and the audit trail name the file (its name, or its path when
        another returned file has the same name)."""
        return self.label or self.path.name

    def issue(self, row: int, code: str, message: str, *, household_id: str = "", applied: bool = False) -> None:
        self.issues.append(Issue(self.name, row, household_id, code, message, applied))


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------

_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y", "%d-%m-%y", "%d %B %Y", "%d %b %Y")


def parse_date(value: object) -> str | None:
    """An ISO date from an Excel date, an Excel serial number or text; ``""`` when blank,
    None when not understood.

    Examples
    --------
    >>> parse_date("12/05/2026"), parse_date(46154), parse_date("2026-05-12T08:12:33.1+07:00"), parse_date("besok")
    ('2026-05-12', '2026-05-12', '2026-05-12', None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20_000 <= value <= 80_000:  # an Excel serial day number (1954 to 2119)
            return (_dt.date(1899, 12, 30) + _dt.timedelta(days=int(value))).isoformat()
        return None
    text = str(value).strip()
    if not text:
        return ""
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", text)
    if m:
        text = m.group(1)
    for fmt in _DATE_FORMATS:
        try:
            return _dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return parse_date(float(text))
    return None


def parse_number(value: object) -> float | None:
    """A number from a cell: Excel number, ``-2,2134`` (decimal comma) or ``-2.2134``;
    NaN when blank, None when not a number.

    Examples
    --------
    >>> parse_number("-2,2134"), parse_number(113.9), parse_number(""), parse_number("x")
    (-2.2134, 113.9, nan, None)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return float("nan")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        out = float(text)
    except ValueError:
        return None
    return out if math.isfinite(out) else None


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ``.0`` (ids typed as numbers), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def fingerprint(*parts: object) -> str:
    """A short stable hash of a return's content (to apply each return once)."""
    return hashlib.sha256("\x1f".join(cell_text(p) for p in parts).encode("utf-8")).hexdigest()[:16]


#: the ``finding`` of a return row whose finding is not in the list
INVALID = "?"


def _finding(raw: str) -> str:
    code = parse_finding(raw)
    return INVALID if code is None else code


def _blank_row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c: "" for c in RETURN_COLUMNS}
    row.update(lat=float("nan"), lon=float("nan"), row=0)
    row.update(kw)
    return row


def _position(ret: ReturnFile, rownum: int, hid: str, lat_v: object, lon_v: object) -> tuple[float, float]:
    """(lat, lon) of a return row; swapped pairs put right, unreadable ones reported."""
    lat, lon = parse_number(lat_v), parse_number(lon_v)
    if lat is None or lon is None:
        ret.issue(rownum, "gps_unreadable", tr("titik GPS tidak terbaca ({a}, {b}): diabaikan", "GPS point unreadable ({a}, {b}): ignored",
                                                a=cell_text(lat_v), b=cell_text(lon_v)), household_id=hid, applied=True)
        return float("nan"), float("nan")
    if math.isnan(lat) != math.isnan(lon):
        ret.issue(rownum, "gps_half", tr("hanya satu koordinat GPS: diabaikan", "only one GPS coordinate: ignored"), household_id=hid, applied=True)
        return float("nan"), float("nan")
    if -11 <= lon <= 6 and 95 <= lat <= 141:  # lat and lon swapped (Indonesia's extent)
        lat, lon = lon, lat
    return lat, lon


def _date(ret: ReturnFile, rownum: int, hid: str, value: object) -> str:
    d = parse_date(value)
    if d is None:
        ret.issue(rownum, "date_unreadable", tr("tanggal tidak terbaca: '{v}'", "date not understood: '{v}'", v=cell_text(value)),
                  household_id=hid, applied=True)
        return ""
    return d


# --------------------------------------------------------------------------------------
# workbooks
# --------------------------------------------------------------------------------------


def _meta(wb: Any) -> dict[str, str]:
    if META_SHEET not in wb.sheetnames:
        return {}
    ws = wb[META_SHEET]
    return {cell_text(k): cell_text(v) for k, v, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True) if k}


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[int, str]]:
    """(index of the header row, column index -> form column) or (-1, {})."""
    for i, cells in enumerate(rows[:40]):
        cols: dict[int, str] = {}
        for j, v in enumerate(cells):
            key = column_of_header(v) if isinstance(v, str) else None
            if key and key not in cols.values():
                cols[j] = key
        if "household_id" in cols.values() and len(cols) >= 3:
            return i, cols
    return -1, {}


def _officer(rows: list[tuple[Any, ...]], header: int) -> str:
    wanted = {label_key("Nama petugas:"), label_key("Officer's name:"), "petugas", "officer", "namapetugas"}
    for cells in rows[:header]:
        for j, v in enumerate(cells):
            if isinstance(v, str) and label_key(v) in wanted:
                rest = [cell_text(x) for x in cells[j + 1 :] if cell_text(x)]
                return rest[0] if rest else ""
    return ""


_SIGNATURE = re.compile(r"^(mengetahuilurah|acknowledgedlurah|petugasverifikasi$|verificationofficer$|namatandatangantanggal$|namesignaturedate$)")


def _is_signature(cells: tuple[Any, ...]) -> bool:
    """The signature block under the table (where reading stops)."""
    return any(isinstance(v, str) and (_SIGNATURE.match(label_key(v)) or re.fullmatch(r"\(_{5,}\)", v.strip())) for v in cells)


def _data_sheet(wb: Any) -> tuple[Any, list[tuple[Any, ...]], int, dict[int, str]]:
    names = [DATA_SHEET] if DATA_SHEET in wb.sheetnames else []
    names += [n for n in wb.sheetnames if n not in (DATA_SHEET, META_SHEET)]
    for name in names:
        rows = list(wb[name].iter_rows(values_only=True))
        header, cols = _find_header(rows)
        if header >= 0:
            return wb[name], rows, header, cols
    return None, [], -1, {}


def _workbook_row(ret: ReturnFile, rownum: int, v: dict[str, object], officer: str) -> dict[str, Any] | None:
    """One sheet row as a return row, or None when it carries nothing to apply."""
    hid = cell_text(v.get("household_id"))
    name = cell_text(v.get("head_name"))
    filled = [k for k in ("finding", "new_address", "lat", "lon", "remarks") if cell_text(v.get(k))]
    if not hid and not name:
        if filled:
            ret.issue(rownum, "no_id", tr("baris tanpa ID keluarga dan tanpa nama: tidak dipakai", "row with neither household id nor name: not used"))
        return None
    if hid and not filled:
        return None  # not visited (yet)
    raw = cell_text(v.get("finding"))
    finding = _finding(raw) if hid else (parse_finding(raw) or NEW)
    lat, lon = _position(ret, rownum, hid, v.get("lat"), v.get("lon"))
    row = _blank_row(
        file=ret.name, row=rownum, kind="xlsx", officer=officer, household_id=hid, finding_raw=raw, finding=finding,
        new_address=cell_text(v.get("new_address")), lat=lat, lon=lon, date=_date(ret, rownum, hid, v.get("date")),
        remarks=cell_text(v.get("remarks")), kode=ret.meta.get("kode", ""), run_id=ret.meta.get("run_id", ""),
        form_version=ret.meta.get("form_version", ""),
    )
    if not hid:
        row.update(head_name=name, address=cell_text(v.get("address")), rt=cell_text(v.get("rt")), rw=cell_text(v.get("rw")))
    row["fingerprint"] = fingerprint(row["kode"], hid, finding, row["new_address"], f"{lat:.6f}", f"{lon:.6f}", row["date"],
                                     row["remarks"], row["head_name"], row["address"], row["rt"], row["rw"])
    return row


def read_workbook(ret: ReturnFile) -> ReturnFile:
    """Read a returned workbook into ``ret`` (rows, metadata, issues)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(ret.path, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is one issue of its file
        ret.issue(0, "unreadable", tr("buku kerja tidak bisa dibaca: {e}", "workbook cannot be read: {e}", e=type(err).__name__))
        return ret
    ret.meta = _meta(wb)
    ws, rows, header, cols = _data_sheet(wb)
    if ws is None:
        ret.issue(0, "no_header", tr("tidak ada baris judul kolom formulir (ID Keluarga, Temuan, ...)",
                                     "no form header row (Household ID, Finding, ...)"))
        return ret
    officer = _officer(rows, header)
    out = []
    for i, cells in enumerate(rows[header + 1 :], start=header + 2):
        if _is_signature(cells):
            break
        v = {key: cells[j] for j, key in cols.items() if j < len(cells)}
        rec = _workbook_row(ret, i, v, officer)
        if rec is not None:
            out.append(rec)
    ret.rows = pd.DataFrame(out, columns=list(RETURN_COLUMNS))
    return ret


# --------------------------------------------------------------------------------------
# ODK / KoboToolbox CSV exports
# --------------------------------------------------------------------------------------

_ODK_META = {"uuid": "uuid", "metainstanceid": "uuid", "instanceid": "uuid", "submissiontime": "submitted",
             "submissiondate": "submitted", "submittedby": "submitter", "submittername": "submitter"}


def _odk_key(column: str) -> str | None:
    """The form field an export column holds (group paths, ``_gps_latitude`` and ODK
    Central's ``gps-Latitude`` understood)."""
    parts = [p.strip().lstrip("_").lower() for p in re.split(r"[/-]", column.strip()) if p.strip()]
    if not parts:
        return None
    last = parts[-1]
    gps = FIELDS["gps"]
    if last in (f"{gps}_latitude", "latitude") and (last != "latitude" or gps in parts):
        return "lat"
    if last in (f"{gps}_longitude", "longitude") and (last != "longitude" or gps in parts):
        return "lon"
    if label_key("".join(parts)) in _ODK_META:
        return _ODK_META[label_key("".join(parts))]
    if label_key(last) in _ODK_META:
        return _ODK_META[label_key(last)]
    by_name = {v: k for k, v in FIELDS.items()}
    return by_name.get(last)


def _read_csv(ret: ReturnFile) -> pd.DataFrame | None:
    try:
        text = ret.path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ret.path.read_bytes().decode("latin-1")
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        import io

        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        ret.issue(0, "unreadable", tr("berkas CSV tidak bisa dibaca", "CSV file cannot be read"))
        return None


def _odk_record(ret: ReturnFile, rownum: int, v: dict[str, str]) -> dict[str, Any]:
    hid = v.get("household_id", "")
    branch = v.get("branch", "").strip().lower()
    new = branch == "baru" or (not hid and bool(v.get("head_name")))
    raw = v.get("finding", "")
    finding = NEW if new else _finding(raw)
    lat, lon = _position(ret, rownum, hid, v.get("lat", ""), v.get("lon", ""))
    if math.isnan(lat) and v.get("gps"):
        bits = v["gps"].split()
        lat, lon = _position(ret, rownum, hid, bits[0], bits[1] if len(bits) > 1 else "")
    date = _date(ret, rownum, hid, v.get("date") or v.get("submitted", ""))
    row = _blank_row(
        file=ret.name, row=rownum, kind="odk", officer=v.get("officer") or v.get("submitter", ""), household_id="" if new else hid,
        finding_raw=raw, finding=finding, new_address=v.get("new_address", ""), lat=lat, lon=lon, date=date,
        remarks=v.get("remarks", ""), kode=v.get("kelurahan", ""), run_id=v.get("run_id", ""), form_version=v.get("form_version", ""),
    )
    if new:
        row.update(head_name=v.get("head_name", ""), address=v.get("address", ""), rt=v.get("rt", ""), rw=v.get("rw", ""), members=v.get("members", ""))
    uuid = v.get("uuid", "")
    row["fingerprint"] = fingerprint("odk", uuid) if uuid else fingerprint(*(row[c] for c in RETURN_COLUMNS[3:20]))
    return row


def read_odk(ret: ReturnFile) -> ReturnFile:
    """Read an ODK Collect / KoboToolbox CSV export of the verification form into ``ret``."""
    frame = _read_csv(ret)
    if frame is None:
        return ret
    cols: dict[str, str] = {}
    for c in frame.columns:
        key = _odk_key(str(c))
        if key and key not in cols.values():
            cols[str(c)] = key
    missing = [k for k in ("form_version", "run_id") if k not in cols.values()]
    if "household_id" not in cols.values() or missing:
        ret.issue(0, "other_form", tr("bukan ekspor formulir verifikasi kantong {v} (kolom {m} tidak ada)",
                                      "not an export of kantong's verification form {v} (column {m} missing)",
                                      v=FIELDS["form_version"], m=", ".join(missing) or FIELDS["household_id"]))
        return ret
    frame = frame.rename(columns=cols)[list(cols.values())]
    out = [_odk_record(ret, i, {k: str(x).strip() for k, x in rec.items()}) for i, rec in enumerate(frame.to_dict("records"), start=1)]
    ret.rows = pd.DataFrame(out, columns=list(RETURN_COLUMNS))
    versions = sorted(set(ret.rows["form_version"]))
    runs = sorted(set(ret.rows["run_id"]))
    ret.meta = {"form_version": versions[0] if len(versions) == 1 else ",".join(versions),
                "run_id": runs[0] if len(runs) == 1 else ",".join(runs)}
    return ret


def read_return(path: str | Path, file_fingerprint: str, *, label: str = "") -> ReturnFile:
    """Read one returned file (``.xlsx`` workbook or ``.csv`` ODK/Kobo export)."""
    path = Path(path)
    suffix = path.suffix.lower()
    ret = ReturnFile(path=path, kind="odk" if suffix == ".csv" else "xlsx", fingerprint=file_fingerprint, label=label)
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(ret)
    if suffix == ".csv":
        return read_odk(ret)
    ret.issue(0, "file_type", tr("jenis berkas {s} tidak dikenal: beri .xlsx atau ekspor .csv", "unknown file type {s}: give .xlsx or a .csv export", s=suffix or "?"))
    return ret
