"""From pockets to budget: needs, unit costs, priority, allocation, overlap checks.

What a planner takes to Musrenbang, RKPD and APBD discussions (Inpres 4/2022: aid on
target, transparent, without overlap):

:func:`needs`
    per pocket, kelurahan or kecamatan: households and people lacking each basic
    service of HOUSEHOLDS.md, grouped into six interventions (:data:`INTERVENTIONS`),
    programme receipt, poor households receiving nothing (exclusion) and households
    with desil >= 6 receiving aid (inclusion). Each family counts once.
:func:`load_costs`, :func:`cost_needs`
    the unit-cost table (the shipped default, ``data/unit_costs.csv``, every figure
    with its source and year and none where no source was found; or the user's CSV or
    YAML) and the needs priced with it.
:func:`priority`, :func:`apply_priority`
    a priority rank (1 = act first) from the pockets' poverty rate, size and severity
    of deprivation, with configurable weights.
:func:`allocate`
    integer units of each intervention in each pocket within a budget, maximising the
    deprivations removed: an exact optimiser (scipy's ``milp`` / HiGHS) with the greedy
    answer beside it.
:func:`overlaps`, :func:`read_recipients`
    the same family twice, recipients of an extra list that are not in the register or
    listed twice, exclusion and inclusion cases.
:func:`write_pockets_xlsx`, :func:`write_overlaps_xlsx`
    ``pockets.xlsx`` (aggregates only, formatted for reading and printing) and
    ``internal/overlaps.xlsx`` (the families themselves: personal data).

User-facing text (sheet names, headers, notes, messages) is in Bahasa Indonesia by
default and in English after ``kantong.set_language("en")``.
"""

from __future__ import annotations

import csv
import functools
import io as _io
import math
import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping

import numpy as np
import pandas as pd

from kantong._errors import InputError, KantongWarning, OptionError
from kantong._i18n import language, tr
from kantong._normalize import header_key, label_key
from kantong._validate import check_weights, require_file
from kantong._vocab import DIMENSIONS
from kantong.pockets import PRIORITY_WEIGHTS, priority

if TYPE_CHECKING:
    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

__all__ = [
    "ALLOCATION_WEIGHTS",
    "CHECKS",
    "INCLUSION_DESIL",
    "INTERVENTIONS",
    "INTERVENTION_DIMENSIONS",
    "PRIORITY_WEIGHTS",
    "Allocation",
    "Overlaps",
    "allocate",
    "apply_priority",
    "cost_needs",
    "intervention_label",
    "load_costs",
    "needs",
    "overlaps",
    "parse_budget",
    "priority",
    "read_recipients",
    "write_overlaps_xlsx",
    "write_pockets_xlsx",
]

# --------------------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------------------

from kantong._vocab import INTERVENTION_DIMENSIONS, INTERVENTIONS, PROGRAMMES, intervention_label  # noqa: E402

#: households with at least this desil that receive aid are inclusion-error cases
INCLUSION_DESIL = 6

_INTERVENTION_ALIASES: dict[str, tuple[str, ...]] = {
    "housing": ("housing", "rumah", "perumahan", "bsps", "rtlh", "rutilahu", "bedahrumah", "rehabrumah", "renovasirumah"),
    "water": ("water", "air", "airminum", "airbersih", "sambunganair", "sr", "spam"),
    "sanitation": ("sanitation", "sanitasi", "jamban", "toilet", "septictank", "tangkiseptik", "spalds"),
    "electricity": ("electricity", "listrik", "sambunganlistrik", "penerangan"),
    "cooking": ("cooking", "memasak", "masak", "bahanbakar", "bahanbakarmemasak", "kompor"),
    "education": ("education", "pendidikan", "sekolah"),
}
_INTERVENTION_LOOKUP = {label_key(a): k for k, al in _INTERVENTION_ALIASES.items() for a in al}

_COST_COLUMNS: dict[str, tuple[str, ...]] = {
    "intervention": ("intervention", "intervensi", "jenisintervensi", "kegiatan", "program"),
    "unit_cost": ("unitcost", "biayasatuan", "biaya", "biayaperunit", "hargasatuan", "harga", "cost", "rupiah", "nilai"),
    "low": ("low", "rendah", "biayarendah", "min", "minimum", "terendah"),
    "high": ("high", "tinggi", "biayatinggi", "max", "maksimum", "tertinggi"),
    "source": ("source", "sumber"),
    "year": ("year", "tahun"),
    "url": ("url", "tautan", "link"),
    "note_id": ("noteid", "catatan", "keterangan"),
    "note_en": ("noteen",),
    "note": ("note", "notes"),
}

_PROGRAMME_HEADERS = ("program", "programme", "programbantuan", "jenisbantuan", "bantuan", "namaprogram")


def _dimension_label(name: str) -> str:
    from kantong._vocab import dimension_label

    return dimension_label(name)


def _rp(value: float | int) -> str:
    """Rupiah as planners write it: ``Rp 5.000.000`` (id) or ``Rp 5,000,000`` (en)."""
    text = f"{int(round(value)):,}"
    return "Rp " + (text if tr("id", "en") == "en" else text.replace(",", "."))


# --------------------------------------------------------------------------------------
# unit costs
# --------------------------------------------------------------------------------------

#: unit costs below this many rupiah are taken for a slip (juta written as rupiah)
_MIN_UNIT_COST = 1_000

_COST_FRAME_COLUMNS = ("intervention", "unit_cost", "low", "high", "source", "year", "url", "note_id", "note_en", "origin")


def _parse_amount(value: object) -> int | None:
    """An amount in rupiah: ``20000000``, ``"20.000.000"``, ``"Rp 20,000,000"``,
    ``"20 juta"``, ``"5,8 jt"``, ``"1,5 miliar"``; ``None`` when blank.

    Raises ValueError when the text is not an amount.

    >>> _parse_amount("Rp 20.000.000"), _parse_amount("5,8 juta"), _parse_amount("")
    (20000000, 5800000, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(str(value))
        return int(round(float(value)))
    text = str(value).strip().lower()
    if text in ("", "-", "--", "na", "n/a", "nan", "none", "null"):
        return None
    if text.startswith("-") and len(text) > 1:
        inner = _parse_amount(text[1:])
        return None if inner is None else -inner
    text = re.sub(r"^rp\.?\s*", "", text).replace("\u00a0", " ")
    scale = 1
    m = re.fullmatch(r"(.*?)\s*(juta|jt|miliar|milyar|ribu|rb)\.?", text)
    if m and m.group(1):
        text = m.group(1).strip()
        scale = {"juta": 10**6, "jt": 10**6, "miliar": 10**9, "milyar": 10**9, "ribu": 10**3, "rb": 10**3}[m.group(2)]
    text = text.replace(" ", "").replace("_", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text) and scale == 1:
        return int(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+([.,]\d+)?", text):
        return int(round(float(text.replace(",", ".")) * scale))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", text):  # 5.775.577,56
        return int(round(float(text.replace(".", "").replace(",", ".")) * scale))
    if re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", text):  # 5,775,577.56
        return int(round(float(text.replace(",", "")) * scale))
    raise ValueError(str(value))


def parse_budget(value: int | float | str) -> int:
    """A budget in rupiah as a positive integer (``5.000.000.000`` accepted).

    Raises
    ------
    OptionError
        When the value is not an amount, or is zero or negative.

    Examples
    --------
    >>> parse_budget("5.000.000.000"), parse_budget(2.5e9)
    (5000000000, 2500000000)
    """
    try:
        amount = _parse_amount(value)
    except ValueError:
        amount = None
    if amount is None:
        raise OptionError(
            tr("anggaran '{v}' bukan angka rupiah", "budget '{v}' is not an amount in rupiah", v=value),
            hint=tr("tulis misalnya 5000000000 atau 5.000.000.000", "write e.g. 5000000000 or 5.000.000.000"),
        )
    if amount <= 0:
        raise OptionError(
            tr("anggaran harus lebih dari nol, bukan '{v}'", "the budget must be more than zero, not '{v}'", v=value),
            hint=tr("tulis anggaran dalam rupiah, misalnya 5.000.000.000", "give the budget in rupiah, e.g. 5,000,000,000"),
        )
    return int(amount)


def load_costs(path: str | Path | None = None) -> pd.DataFrame:
    """The unit-cost table: kantong's default, with the user's file over it.

    The default (``data/unit_costs.csv``, from ``UNIT_COSTS.md``) holds only figures
    with a source: housing (BSPS regular, Rp 20,000,000, Kepmen PUPR 115/KPTS/M/2022),
    water (house connection, Rp 3,000,000, Hibah Air Minum, 2020) and sanitation
    (Rp 10,000,000, DAK project Temanggung 2024; ``low`` Rp 5,775,578 from the Penajam
    Paser Utara 2021 report, ``high`` Rp 10,000,000). Electricity, cooking and
    education have no default: no source was found, the user sets them.

    Parameters
    ----------
    path
        A CSV (``intervention,unit_cost[,low,high,source,year,note]``; Indonesian headers
        such as ``intervensi,biaya_satuan,sumber,tahun`` work too) or YAML file
        (``housing: 20000000`` or ``water: {unit_cost: 3000000, source: ..., year:
        2020}``, or a list of such records). Amounts may be written ``20000000``,
        ``20.000.000``, ``Rp 20,000,000`` or ``20 juta``. Interventions by their
        English or Indonesian names (``rumah``, ``air minum``, ``jamban``, ``listrik``,
        ...). Rows in the file replace the default's rows of the same intervention; a
        blank ``unit_cost`` removes the figure.

    Returns
    -------
    pandas.DataFrame
        One row per intervention of :data:`INTERVENTIONS`: ``intervention``,
        ``unit_cost`` (Int64, NA when none), ``low``, ``high`` (Int64, NA when not
        given), ``source``, ``year``, ``url``, ``note_id``, ``note_en``, ``origin``
        (``"default"`` or the file name).

    Raises
    ------
    InputError
        When the file is missing, unreadable or malformed; the message names the file,
        the row and the column, and what to do.

    Examples
    --------
    >>> costs = load_costs()
    >>> costs.set_index("intervention")["unit_cost"].to_dict()["housing"]
    20000000
    >>> bool(costs.set_index("intervention")["unit_cost"].isna()["electricity"])
    True
    """
    text = resources.files("kantong.data").joinpath("unit_costs.csv").read_text("utf-8")
    table = _cost_records(_read_cost_csv_text(text, source="unit_costs.csv"), source="unit_costs.csv", origin="default")
    if path is not None:
        path = Path(path)
        user = _cost_records(_read_cost_file(path), source=str(path), origin=path.name)
        table.update(user)
    rows = [table.get(k, _empty_cost(k)) for k in INTERVENTIONS]
    frame = pd.DataFrame(rows, columns=list(_COST_FRAME_COLUMNS))
    for col in ("unit_cost", "low", "high"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    for col in ("source", "year", "url", "note_id", "note_en", "origin"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame


def _empty_cost(name: str) -> dict[str, Any]:
    return {"intervention": name, "unit_cost": None, "low": None, "high": None, "source": "", "year": "", "url": "", "note_id": "", "note_en": "", "origin": "default"}


def _read_cost_file(path: Path) -> list[tuple[str, dict[str, object]]]:
    require_file(
        path,
        missing=tr("berkas biaya satuan tidak ditemukan", "unit-cost file not found"),
        hint=tr("periksa nama dan folder berkas --costs", "check the name and folder of the --costs file"),
    )
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if suffix in (".yaml", ".yml"):
        return _read_cost_yaml(text, source=str(path))
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_cost_csv_text(text, source=str(path))
    raise InputError(
        tr("jenis berkas biaya satuan {s} tidak dikenal", "unknown unit-cost file type {s}", s=suffix or "(tanpa ekstensi)"),
        path=path,
        hint=tr(
            "gunakan CSV (kolom intervention,unit_cost,source,year) atau YAML (housing: 20000000); dari Excel simpan sebagai CSV",
            "use CSV (columns intervention,unit_cost,source,year) or YAML (housing: 20000000); from Excel save as CSV",
        ),
    )


def _read_cost_csv_text(text: str, *, source: str) -> list[tuple[str, dict[str, object]]]:
    lines = [ln for ln in text.splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputError(
            tr("berkas biaya satuan kosong", "the unit-cost file is empty"),
            path=source,
            hint=tr("tulis baris judul 'intervention,unit_cost' dan satu baris per intervensi", "write a header 'intervention,unit_cost' and one row per intervention"),
        )
    first = lines[0]
    sep = max((",", ";", "\t", "|"), key=lambda s: first.count(s))
    reader = csv.reader(_io.StringIO("\n".join(lines)), delimiter=sep)
    rows = [r for r in reader]
    header = [header_key(h) for h in rows[0]]
    colmap: dict[str, int] = {}
    for canon, aliases in _COST_COLUMNS.items():
        for pos, h in enumerate(header):
            if h in aliases and canon not in colmap:
                colmap[canon] = pos
    missing = [c for c in ("intervention", "unit_cost") if c not in colmap]
    if missing:
        raise InputError(
            tr(
                "kolom {m} tidak ada di berkas biaya satuan; kolom yang ada: {f}",
                "column {m} missing from the unit-cost file; columns found: {f}",
                m=" & ".join(f"'{c}'" for c in missing),
                f=", ".join(rows[0]) or "-",
            ),
            path=source,
            hint=tr(
                "baris pertama harus berjudul misalnya 'intervention,unit_cost,source,year' (atau 'intervensi,biaya_satuan,sumber,tahun')",
                "the first row must be a header such as 'intervention,unit_cost,source,year' (or 'intervensi,biaya_satuan,sumber,tahun')",
            ),
        )
    out: list[tuple[str, dict[str, object]]] = []
    for i, r in enumerate(rows[1:], start=1):
        if not any(c.strip() for c in r):
            continue
        rec = {canon: (r[pos].strip() if pos < len(r) else "") for canon, pos in colmap.items()}
        rec["_columns"] = {canon: rows[0][pos] for canon, pos in colmap.items()}
        out.append((tr("baris {i}", "row {i}", i=i), rec))
    return out


def _read_cost_yaml(text: str, *, source: str) -> list[tuple[str, dict[str, object]]]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = tr(" (baris {l})", " (line {l})", l=mark.line + 1) if mark is not None else ""
        raise InputError(
            tr("berkas YAML biaya satuan tidak bisa dibaca{w}: {e}", "cannot read the YAML unit-cost file{w}: {e}", w=where, e=getattr(err, "problem", None) or err),
            path=source,
            hint=tr("contoh isi yang benar: 'housing: 20000000'", "a valid example: 'housing: 20000000'"),
        ) from None
    if isinstance(data, dict):
        for key in ("unit_costs", "biaya_satuan", "costs", "biaya"):
            if key in data and isinstance(data[key], (dict, list)) and len(data) == 1:
                data = data[key]
                break
    out: list[tuple[str, dict[str, object]]] = []
    if isinstance(data, dict):
        for name, value in data.items():
            if isinstance(value, dict):
                rec = {_yaml_key(k, source, str(name)): v for k, v in value.items()}
            else:
                rec = {"unit_cost": value}
            rec["intervention"] = name
            out.append((tr("entri '{n}'", "entry '{n}'", n=name), rec))
    elif isinstance(data, list):
        for i, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                raise InputError(
                    tr("entri {i} bukan pasangan nama: nilai", "entry {i} is not a set of name: value pairs", i=i),
                    path=source,
                    hint=tr("tulis misalnya '- intervention: housing' lalu 'unit_cost: 20000000'", "write e.g. '- intervention: housing' then 'unit_cost: 20000000'"),
                )
            rec = {_yaml_key(k, source, str(i)): v for k, v in item.items()}
            out.append((tr("entri {i}", "entry {i}", i=i), rec))
    else:
        raise InputError(
            tr("berkas YAML biaya satuan tidak berisi daftar biaya", "the YAML unit-cost file holds no list of costs"),
            path=source,
            hint=tr("contoh isi: 'housing: 20000000' (satu baris per intervensi)", "for example 'housing: 20000000' (one line per intervention)"),
        )
    return out


def _yaml_key(key: object, source: str, where: str) -> str:
    k = header_key(key)
    for canon, aliases in _COST_COLUMNS.items():
        if k in aliases:
            return canon
    raise InputError(
        tr("kunci '{k}' pada {w} tidak dikenal", "unknown key '{k}' in {w}", k=key, w=where),
        path=source,
        hint=tr("kunci yang dikenal: intervention, unit_cost, low, high, source, year, url, note", "known keys: intervention, unit_cost, low, high, source, year, url, note"),
    )


def _header_of(headers: Mapping[str, object], canon: str) -> str:
    """The header the user wrote for a canonical cost column (for messages)."""
    return str(headers.get(canon, canon))


def _cost_records(rows: list[tuple[str, dict[str, object]]], *, source: str, origin: str) -> dict[str, dict[str, Any]]:
    """Validate parsed rows: known interventions, once each, amounts > 0, low <= high."""
    table: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    valid = ", ".join(INTERVENTIONS)
    for where, rec in rows:
        headers = rec.get("_columns", {})
        headers = headers if isinstance(headers, dict) else {}
        col = functools.partial(_header_of, headers)
        name_raw = rec.get("intervention")
        if name_raw is None or str(name_raw).strip() == "":
            raise InputError(
                tr("{w}, kolom '{c}': nama intervensi kosong", "{w}, column '{c}': intervention name is blank", w=where, c=col("intervention")),
                path=source,
                hint=tr("isi salah satu: {v}", "use one of: {v}", v=valid),
            )
        name = _INTERVENTION_LOOKUP.get(label_key(name_raw))
        if name is None:
            raise InputError(
                tr("{w}, kolom '{c}': intervensi '{n}' tidak dikenal", "{w}, column '{c}': unknown intervention '{n}'", w=where, c=col("intervention"), n=name_raw),
                path=source,
                hint=tr("gunakan salah satu: {v} (atau rumah, air minum, jamban, listrik, memasak, pendidikan)", "use one of: {v} (or rumah, air minum, jamban, listrik, memasak, pendidikan)", v=valid),
            )
        if name in seen:
            raise InputError(
                tr("{w}: intervensi '{n}' sudah ada di {p}", "{w}: intervention '{n}' already given in {p}", w=where, n=name, p=seen[name]),
                path=source,
                hint=tr("tulis satu baris per intervensi", "give one row per intervention"),
            )
        seen[name] = where
        amounts: dict[str, int | None] = {}
        for key in ("unit_cost", "low", "high"):
            try:
                amounts[key] = _parse_amount(rec.get(key))
            except ValueError:
                raise InputError(
                    tr("{w}, kolom '{c}': '{v}' bukan angka rupiah", "{w}, column '{c}': '{v}' is not an amount in rupiah", w=where, c=col(key), v=rec.get(key)),
                    path=source,
                    hint=tr("tulis rupiah per unit, misalnya 20000000, 20.000.000 atau 20 juta", "write rupiah per unit, e.g. 20000000, 20,000,000 or 20 juta"),
                ) from None
            if amounts[key] is not None and amounts[key] <= 0:  # type: ignore[operator]
                raise InputError(
                    tr("{w}, kolom '{c}': biaya harus lebih dari nol, bukan '{v}'", "{w}, column '{c}': the cost must be more than zero, not '{v}'", w=where, c=col(key), v=rec.get(key)),
                    path=source,
                    hint=tr("kosongkan sel bila belum ada biayanya", "leave the cell blank when there is no figure"),
                )
            if amounts[key] is not None and amounts[key] < _MIN_UNIT_COST:  # type: ignore[operator]
                raise InputError(
                    tr("{w}, kolom '{c}': '{v}' terlalu kecil untuk biaya satuan dalam rupiah", "{w}, column '{c}': '{v}' is too small for a unit cost in rupiah", w=where, c=col(key), v=rec.get(key)),
                    path=source,
                    hint=tr("tulis rupiah penuh (5800000) atau dengan satuan ('5,8 juta')", "write full rupiah (5800000) or with a unit ('5,8 juta')"),
                )
        lo, hi = amounts["low"], amounts["high"]
        if lo is not None and hi is not None and lo > hi:
            raise InputError(
                tr("{w}: biaya rendah ({a}) lebih besar dari biaya tinggi ({b})", "{w}: low cost ({a}) is above high cost ({b})", w=where, a=_rp(lo), b=_rp(hi)),
                path=source,
                hint=tr("tukar kolom '{l}' dan '{h}'", "swap the '{l}' and '{h}' columns", l=col("low"), h=col("high")),
            )
        note = str(rec.get("note") or "").strip()
        table[name] = {
            "intervention": name,
            "unit_cost": amounts["unit_cost"],
            "low": lo,
            "high": hi,
            "source": str(rec.get("source") or "").strip() or ("" if origin == "default" else origin),
            "year": str(rec.get("year") or "").strip().removesuffix(".0"),
            "url": str(rec.get("url") or "").strip(),
            "note_id": str(rec.get("note_id") or "").strip() or note,
            "note_en": str(rec.get("note_en") or "").strip() or note,
            "origin": origin,
        }
    return table


def _unit_costs(costs: pd.DataFrame | None) -> dict[str, int]:
    """intervention -> unit cost, for the interventions with a figure."""
    if costs is None:
        costs = load_costs()
    if "intervention" not in costs or "unit_cost" not in costs:
        raise OptionError(
            tr("tabel biaya satuan perlu kolom 'intervention' dan 'unit_cost'", "the unit-cost table needs columns 'intervention' and 'unit_cost'"),
            hint=tr("gunakan load_costs()", "use load_costs()"),
        )
    out: dict[str, int] = {}
    for name, value in zip(costs["intervention"].tolist(), costs["unit_cost"].tolist()):
        key = _INTERVENTION_LOOKUP.get(label_key(name), str(name))
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            continue
        if float(value) <= 0:
            raise OptionError(tr("biaya satuan {n} harus lebih dari nol", "the unit cost of {n} must be more than zero", n=name))
        out[key] = int(value)
    return out


# --------------------------------------------------------------------------------------
# needs
# --------------------------------------------------------------------------------------


def read_recipients(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """An extra list of aid recipients (e.g. a programme's payment list), by NIK or family id.

    Parameters
    ----------
    source
        CSV, XLSX or Parquet file (title rows above the header are skipped), or a
        DataFrame. NIK and family id columns are recognised by the household aliases
        (``NIK``, ``NIK Kepala Keluarga``, ``ID Keluarga``, ``No KK`` ...); an optional
        programme column (``Program``, ``Jenis Bantuan``, ``Bantuan``).

    Returns
    -------
    pandas.DataFrame
        ``row`` (1-based data row), ``nik``, ``household_id``, ``programme`` (text,
        ``""`` when not given). Personal data: for the data office only.

    Raises
    ------
    InputError
        When the file cannot be read or has neither a NIK nor a family id column.

    Examples
    --------
    >>> import pandas as pd
    >>> r = read_recipients(pd.DataFrame({"NIK": ["6271010101800001"], "Program": ["PKH"]}))
    >>> r.loc[0, ["nik", "programme"]].tolist()
    ['6271010101800001', 'PKH']
    """
    from kantong import io as kio

    if isinstance(source, pd.DataFrame):
        raw = pd.DataFrame({str(c): kio._to_text_series(source[c]) for c in source.columns})
        rows = np.arange(1, len(raw) + 1)
        name = "<recipients>"
    else:
        path = require_file(
            source,
            missing=tr("berkas daftar penerima tidak ditemukan", "recipient list not found"),
            hint=tr("periksa nama dan folder berkas", "check the file name and folder"),
        )
        name = str(path)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            raw, _, _ = kio._read_xlsx(path, sheet=None)
        elif suffix in (".csv", ".txt", ".tsv"):
            raw, _ = kio._read_csv(path, encoding=None, sep=None)
        elif suffix in (".parquet", ".pq"):
            raw = kio._read_parquet(path)
        else:
            raise InputError(
                tr("jenis berkas {s} tidak dikenal", "unknown file type {s}", s=suffix),
                path=path,
                hint=tr("gunakan CSV, XLSX atau Parquet", "use CSV, XLSX or Parquet"),
            )
        rows = np.asarray(raw.attrs.get("rows", np.arange(1, len(raw) + 1)))
    keys = {c: header_key(c) for c in raw.columns}

    def find(aliases: Iterable[str]) -> str | None:
        for alias in aliases:
            for c, k in keys.items():
                if k == alias:
                    return c
        return None

    nik_col = find(kio.HOUSEHOLD_ALIASES["nik"])
    id_col = find(kio.HOUSEHOLD_ALIASES["household_id"])
    prog_col = find(_PROGRAMME_HEADERS)
    if nik_col is None and id_col is None:
        raise InputError(
            tr("daftar penerima tanpa kolom NIK atau ID keluarga; kolom yang ada: {c}", "the recipient list has no NIK or family id column; columns found: {c}", c=", ".join(map(str, raw.columns[:15]))),
            path=name,
            hint=tr("beri judul kolom 'NIK' atau 'ID Keluarga'", "name a column 'NIK' or 'ID Keluarga'"),
        )
    n = len(raw)
    out = pd.DataFrame(
        {
            "row": rows[:n].astype(int),
            "nik": raw[nik_col].map(kio._clean_nik).astype(str) if nik_col else pd.Series([""] * n, dtype=str),
            "household_id": raw[id_col].astype(str).str.strip() if id_col else pd.Series([""] * n, dtype=str),
            "programme": raw[prog_col].astype(str).str.strip() if prog_col else pd.Series([""] * n, dtype=str),
        }
    )
    return out.reset_index(drop=True)


from kantong._family import family_roots as _family_roots, valid_id as _valid_id, valid_nik as _valid_nik  # noqa: E402


def _listed(hh: pd.DataFrame, recipients: pd.DataFrame | None) -> np.ndarray:
    """Per household row: does its family appear in the recipient list?"""
    out = np.zeros(len(hh), dtype=bool)
    if recipients is None or len(recipients) == 0:
        return out
    if "nik" in hh:
        niks = set(recipients["nik"][_valid_nik(recipients["nik"])])
        out |= hh["nik"].fillna("").astype(str).isin(niks).to_numpy() & _valid_nik(hh["nik"])
    if "household_id" in hh:
        ids = set(recipients["household_id"][_valid_id(recipients["household_id"])])
        out |= hh["household_id"].fillna("").astype(str).str.strip().isin(ids).to_numpy() & _valid_id(hh["household_id"])
    return out


@dataclass
class _Flags:
    """Per household row (numpy arrays), duplicates already marked."""

    keep: np.ndarray
    members: np.ndarray
    lack: dict[str, np.ndarray]
    unknown: np.ndarray
    ranked: np.ndarray
    poor: np.ndarray
    desil: np.ndarray
    recv: dict[str, np.ndarray | None]
    recv_any: np.ndarray
    recv_known: np.ndarray


def _flags(hh: pd.DataFrame, *, poor: str, recipients: pd.DataFrame | None) -> _Flags:
    from kantong.pockets import poor_mask

    n = len(hh)
    if "is_duplicate" in hh:
        keep = ~hh["is_duplicate"].to_numpy(dtype=bool)
    else:  # a frame not geocoded: find the duplicates the same way (same NIK or id)
        keep = _family_roots(hh) == np.arange(n)
    members = hh["members"].to_numpy(dtype="float64", na_value=np.nan) if "members" in hh else np.full(n, np.nan)
    lack: dict[str, np.ndarray] = {}
    unknown = np.zeros(n, dtype=bool)
    for d in DIMENSIONS:
        col = f"dep_{d}"
        if col in hh:
            v = hh[col].astype("boolean")
            lack[d] = v.fillna(False).to_numpy(dtype=bool)
            unknown |= v.isna().to_numpy()
        else:
            lack[d] = np.zeros(n, dtype=bool)
            unknown |= True
    if "desil" in hh:
        mask = poor_mask(hh, poor)
        ranked = mask.notna().to_numpy()
        is_poor = mask.fillna(False).to_numpy(dtype=bool)
        desil = hh["desil"].to_numpy(dtype="float64", na_value=np.nan)
    else:
        ranked = np.zeros(n, dtype=bool)
        is_poor = np.zeros(n, dtype=bool)
        desil = np.full(n, np.nan)
    recv: dict[str, np.ndarray | None] = {}
    recv_any = np.zeros(n, dtype=bool)
    recv_known = np.zeros(n, dtype=bool)
    for p in PROGRAMMES:
        col = f"recv_{p}"
        if col in hh:
            v = hh[col].astype("boolean")
            recv[p] = v.fillna(False).to_numpy(dtype=bool)
            recv_any |= recv[p]
            recv_known |= v.notna().to_numpy()
        else:
            recv[p] = None
    listed = _listed(hh, recipients)
    recv_any |= listed
    recv_known |= listed | (recipients is not None and len(recipients) > 0)
    return _Flags(keep, members, lack, unknown, ranked, is_poor, desil, recv, recv_any, recv_known)


def _pocket_codes(hh: pd.DataFrame, result: Any, pockets: Any) -> tuple[np.ndarray, pd.DataFrame]:
    """Group code per row (-1: in no pocket) and one key row per pocket."""
    if pockets is None:
        if "pocket_id" not in hh:
            raise OptionError(
                tr("needs(by='pocket') memerlukan hasil detect_pockets", "needs(by='pocket') needs the result of detect_pockets"),
                hint=tr("panggil needs(result, pockets, by='pocket')", "call needs(result, pockets, by='pocket')"),
            )
        labels = hh["pocket_id"].fillna("").astype(str)
        ids = sorted(x for x in labels.unique() if x)
        keys = pd.DataFrame({"pocket_id": ids, "rank": np.arange(1, len(ids) + 1)})
    else:
        frame = pockets.pockets
        labels = pockets.labels.reindex(hh.index).fillna("").astype(str)
        if getattr(pockets, "level", "cell") == "kelurahan" and "village" in hh and result is not None and hasattr(result, "boundaries"):
            # village level: every placed household of the pocket's villages belongs to it
            cells = pockets.cells
            if len(cells):
                bnd = result.boundaries
                key = [k or nm for k, nm in zip(bnd["kode"].astype(str), bnd["kelurahan"].astype(str))]
                lookup = dict(zip(cells["cell"].astype(str), cells["pocket_id"].astype(str)))
                per_village = np.array([lookup.get(k, "") for k in key], dtype=object)
                v = hh["village"].to_numpy(dtype=np.int64)
                extra = np.where(v >= 0, per_village[np.clip(v, 0, None)] if len(per_village) else "", "")
                labels = pd.Series(np.where(labels.to_numpy() != "", labels.to_numpy(), extra), index=hh.index)
        cols = [c for c in ("pocket_id", "rank", "kelurahan", "kode", "rt_rw", "relative_risk", "p_value", "deprivations") if c in frame]
        keys = pd.DataFrame({c: frame[c].to_numpy() for c in cols})
    pos = {pid: i for i, pid in enumerate(keys["pocket_id"].astype(str))}
    codes = np.array([pos.get(x, -1) for x in labels.to_numpy()], dtype=np.int64)
    return codes, keys


def _area_codes(hh: pd.DataFrame, result: Any, by: str) -> tuple[np.ndarray, pd.DataFrame]:
    unplaced = tr("(tidak ditempatkan)", "(not placed)")
    if result is not None and hasattr(result, "boundaries") and "village" in hh:
        bnd = result.boundaries
        v = hh["village"].to_numpy(dtype=np.int64)
        vk = pd.DataFrame({"kode": bnd["kode"].astype(str).to_numpy(), "kelurahan": bnd["kelurahan"].astype(str).to_numpy(), "kecamatan": bnd["kecamatan"].fillna("").astype(str).to_numpy() if "kecamatan" in bnd else ""})
        if by == "kelurahan":
            codes = v.copy()
            keys = vk
            if (v < 0).any():
                codes = np.where(v < 0, len(vk), v)
                keys = pd.concat([vk, pd.DataFrame({"kode": [""], "kelurahan": [unplaced], "kecamatan": [""]})], ignore_index=True)
            return codes, keys
        names = vk["kecamatan"].to_numpy(dtype=object)
        row_kec = np.where(v >= 0, names[np.clip(v, 0, None)] if len(names) else "", unplaced)
    else:
        if by == "kelurahan":
            cols = [c for c in ("kode", "kelurahan", "kecamatan") if c in hh]
            if not cols:
                raise OptionError(tr("kolom kelurahan tidak ada", "no kelurahan column"), hint=tr("beri kolom 'kode' atau 'kelurahan'", "add a 'kode' or 'kelurahan' column"))
            key = hh[cols].fillna("").astype(str)
            tuples = list(map(tuple, key.to_numpy()))
            uniq = sorted(set(tuples))
            pos = {t: i for i, t in enumerate(uniq)}
            return np.array([pos[t] for t in tuples], dtype=np.int64), pd.DataFrame(uniq, columns=cols)
        if "kecamatan" not in hh:
            raise OptionError(tr("kolom kecamatan tidak ada", "no kecamatan column"), hint=tr("beri kolom 'kecamatan'", "add a 'kecamatan' column"))
        row_kec = hh["kecamatan"].fillna("").astype(str).replace("", unplaced).to_numpy(dtype=object)
    uniq = sorted(set(row_kec.tolist()), key=lambda s: (s == unplaced, s))
    pos = {k: i for i, k in enumerate(uniq)}
    return np.array([pos[k] for k in row_kec], dtype=np.int64), pd.DataFrame({"kecamatan": uniq})


def needs(
    result: GeocodeResult | pd.DataFrame,
    pockets: PocketResult | None = None,
    *,
    by: Literal["pocket", "kelurahan", "kecamatan"] = "pocket",
    poor: str | None = None,
    recipients: str | Path | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Households and people lacking each basic service, per pocket, kelurahan or kecamatan.

    Each family counts once (duplicate rows are skipped). A blank deprivation label is
    unknown: it is not counted as lacking (``n_dep_unknown`` says how many households
    have at least one unknown). One housing unit (BSPS renovation) serves a household
    lacking floor, wall or roof; ``housing_1`` .. ``housing_3`` split those households
    by how many of the three they lack (what one unit removes).

    Parameters
    ----------
    result
        A :class:`~kantong.geocode.GeocodeResult`, or its ``households`` frame (or any
        frame with the canonical columns; with ``by="pocket"`` and no ``pockets`` a
        ``pocket_id`` column gives the pockets).
    pockets
        The :class:`~kantong.pockets.PocketResult` (needed for ``by="pocket"``; its
        poverty definition is used unless ``poor`` is given).
    by
        ``"pocket"`` (one row per pocket, in the pockets' order), ``"kelurahan"``
        (every village of the boundaries, plus one row for households not placed) or
        ``"kecamatan"``.
    poor
        Who is poor (pandas expression); default the pockets' definition, else
        ``desil <= 1``.
    recipients
        An extra recipient list (:func:`read_recipients`): a family on it counts as
        receiving aid.

    Returns
    -------
    pandas.DataFrame
        The unit's key columns (``pocket_id``, ``rank``, ``kelurahan``, ``kode``,
        ``rt_rw``; or ``kode``, ``kelurahan``, ``kecamatan``; or ``kecamatan``), then
        ``n_households``, ``n_people``, ``n_ranked``, ``n_poor``, ``rate``,
        ``lack_<dimension>`` (households lacking it), ``need_<intervention>``
        (households = units needed), ``people_<intervention>`` (people in them),
        ``housing_1``, ``housing_2``, ``housing_3``, ``n_dep_unknown``,
        ``n_recv_<programme>`` (NA when the file has no such flag), ``n_recv_any``
        (receives at least one programme or is on the recipient list), ``n_exclusion``
        (poor, known to receive nothing), ``n_inclusion`` (desil >= 6 and receiving
        aid). People: the sum of ``members`` (as ``n_people`` of the pockets: a
        household without a member count adds none, unless no household of the group
        has one, then households are counted).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"kecamatan": ["A", "A", "B"], "desil": pd.array([1, 7, 1], dtype="Int64"),
    ...                    "members": pd.array([4, 3, 5], dtype="Int64"),
    ...                    "dep_floor": pd.array([True, False, True], dtype="boolean"),
    ...                    "dep_roof": pd.array([True, False, False], dtype="boolean")})
    >>> n = needs(hh, by="kecamatan")
    >>> n[["kecamatan", "need_housing", "housing_2", "people_housing", "n_poor"]].values.tolist()
    [['A', 1, 1, 4, 1], ['B', 1, 0, 5, 1]]
    """
    from kantong.geocode import GeocodeResult
    from kantong.pockets import DEFAULT_POOR

    if by not in ("pocket", "kelurahan", "kecamatan"):
        raise OptionError(
            tr("by='{b}' tidak dikenal", "unknown by='{b}'", b=by),
            hint=tr("pilih 'pocket', 'kelurahan' atau 'kecamatan'", "choose 'pocket', 'kelurahan' or 'kecamatan'"),
        )
    res = result if isinstance(result, GeocodeResult) else None
    hh = result.households if isinstance(result, GeocodeResult) else result
    if poor is None:
        poor = getattr(pockets, "poor", None) or DEFAULT_POOR
    rec = read_recipients(recipients) if recipients is not None and not _is_recipient_frame(recipients) else recipients
    f = _flags(hh, poor=poor, recipients=rec)  # type: ignore[arg-type]
    if by == "pocket":
        codes, keys = _pocket_codes(hh, res, pockets)
    else:
        codes, keys = _area_codes(hh, res, by)
    return _aggregate(f, codes, keys)


def _is_recipient_frame(obj: object) -> bool:
    return isinstance(obj, pd.DataFrame) and {"row", "nik", "household_id", "programme"} <= set(obj.columns)


def _aggregate(f: _Flags, codes: np.ndarray, keys: pd.DataFrame) -> pd.DataFrame:
    G = len(keys)
    sel = f.keep & (codes >= 0)
    g = codes[sel]
    members = f.members[sel]
    finite = np.isfinite(members)
    m0 = np.where(finite, members, 0.0)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(g, weights=mask[sel].astype(float), minlength=G).astype(np.int64)

    def people(mask: np.ndarray) -> np.ndarray:
        msk = mask[sel]
        total = np.bincount(g, weights=m0 * msk, minlength=G)
        any_members = np.bincount(g, weights=(finite & msk).astype(float), minlength=G) > 0
        hh_count = np.bincount(g, weights=msk.astype(float), minlength=G)
        return np.where(any_members, total, hh_count).round().astype(np.int64)

    out = keys.reset_index(drop=True).copy()
    ones = np.ones(len(codes), dtype=bool)
    out["n_households"] = count(ones)
    out["n_people"] = people(ones)
    out["n_ranked"] = count(f.ranked)
    out["n_poor"] = count(f.poor & f.ranked)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(out["n_ranked"] > 0, out["n_poor"] / np.maximum(out["n_ranked"], 1), np.nan)
    for d in DIMENSIONS:
        out[f"lack_{d}"] = count(f.lack[d])
    n_housing = f.lack["floor"].astype(int) + f.lack["wall"].astype(int) + f.lack["roof"].astype(int)
    need_masks = {"housing": n_housing > 0}
    for i in INTERVENTIONS[1:]:
        need_masks[i] = f.lack[INTERVENTION_DIMENSIONS[i][0]]
    for i in INTERVENTIONS:
        out[f"need_{i}"] = count(need_masks[i])
    for i in INTERVENTIONS:
        out[f"people_{i}"] = people(need_masks[i])
    for k in (1, 2, 3):
        out[f"housing_{k}"] = count(n_housing == k)
    out["n_dep_unknown"] = count(f.unknown)
    for p in PROGRAMMES:
        flag = f.recv[p]
        out[f"n_recv_{p}"] = pd.array(count(flag), dtype="Int64") if flag is not None else pd.array([pd.NA] * G, dtype="Int64")
    out["n_recv_any"] = count(f.recv_any)
    out["n_exclusion"] = count(f.poor & f.ranked & f.recv_known & ~f.recv_any)
    out["n_inclusion"] = count((f.desil >= INCLUSION_DESIL) & f.recv_any)
    return out


def cost_needs(needs_df: pd.DataFrame, costs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The needs priced with the unit costs (a new frame; the input is not modified).

    Adds ``cost_<intervention>`` (need x unit cost; NA when the intervention has no unit
    cost), ``cost_total`` (over the interventions with a cost), ``cost_low`` and
    ``cost_high`` (the same with the table's ``low`` / ``high`` where given, else the
    unit cost) and ``uncosted`` (interventions with a need but no unit cost).

    Examples
    --------
    >>> import pandas as pd
    >>> n = pd.DataFrame({"need_housing": [2], "need_water": [1], "need_electricity": [3]})
    >>> c = cost_needs(n)
    >>> int(c.loc[0, "cost_total"]), c.loc[0, "uncosted"]
    (43000000, 'electricity')
    """
    if costs is None:
        costs = load_costs()
    unit = _unit_costs(costs)
    table = costs.assign(key=[_INTERVENTION_LOOKUP.get(label_key(x), str(x)) for x in costs["intervention"]]).set_index("key")
    out = needs_df.copy()
    total = np.zeros(len(out))
    low = np.zeros(len(out))
    high = np.zeros(len(out))
    missing: list[list[str]] = [[] for _ in range(len(out))]
    for i in INTERVENTIONS:
        col = f"need_{i}"
        if col not in out:
            continue
        need = out[col].to_numpy(dtype="float64", na_value=0.0)
        if i in unit:
            c = need * unit[i]
            out[f"cost_{i}"] = pd.array(np.round(c).astype(np.int64), dtype="Int64")
            total += c
            lo = table.loc[i, "low"] if "low" in table and i in table.index else pd.NA
            hi = table.loc[i, "high"] if "high" in table and i in table.index else pd.NA
            low += need * (unit[i] if pd.isna(lo) else float(lo))
            high += need * (unit[i] if pd.isna(hi) else float(hi))
        else:
            out[f"cost_{i}"] = pd.array([pd.NA] * len(out), dtype="Int64")
            for r in np.flatnonzero(need > 0):
                missing[r].append(i)
    out["cost_total"] = np.round(total).astype(np.int64)
    out["cost_low"] = np.round(low).astype(np.int64)
    out["cost_high"] = np.round(high).astype(np.int64)
    out["uncosted"] = [", ".join(m) for m in missing]
    return out


# --------------------------------------------------------------------------------------
# priority
# --------------------------------------------------------------------------------------


def apply_priority(pockets: PocketResult, *, weights: Mapping[str, float] | None = None) -> PocketResult:
    """A copy of the pocket result whose ``rank`` is :func:`priority`, rows in rank order.

    ``pocket_id`` and the household labels stay as they were; the weights used are
    recorded in ``params["priority_weights"]``. Write pockets.geojson and pockets.xlsx
    from the returned result so that both carry the same rank.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000, mess=None)
    >>> res = detect_pockets(geocode(city.households, city.boundaries), replicates=99)
    >>> ranked = apply_priority(res)
    >>> sorted(ranked.pockets["pocket_id"]) == sorted(res.pockets["pocket_id"])
    True
    >>> ranked.pockets["rank"].tolist() == list(range(1, len(res.pockets) + 1))
    True
    """
    w = check_weights(weights, PRIORITY_WEIGHTS, what="priority")
    frame = pockets.pockets.copy()
    frame["rank"] = priority(frame, weights=w).to_numpy()
    frame = frame.sort_values("rank", kind="stable").reset_index(drop=True)
    params = dict(pockets.params)
    params["priority_weights"] = w
    return replace(pockets, pockets=frame, params=params)


# --------------------------------------------------------------------------------------
# allocation
# --------------------------------------------------------------------------------------

#: default weights of :func:`allocate`: every deprivation removed counts 1 (housing's
#: weight applies to each of floor, wall and roof a unit removes)
ALLOCATION_WEIGHTS: dict[str, float] = {i: 1.0 for i in INTERVENTIONS}


@dataclass
class Allocation:
    """What to fund within a budget (:func:`allocate`).

    Attributes
    ----------
    funded
        One row per unit (pocket, kelurahan, ...) and intervention funded: the unit's key
        columns (``pocket_id``, ``rank``, ``kelurahan``, ``rt_rw`` when present),
        ``intervention``, ``units``, ``unit_cost``, ``cost``, ``removed`` (deprivations
        removed: a household counts once per dimension), ``score`` (weighted), in rank
        order.
    by_intervention
        Per intervention: ``need`` (units needed), ``units``, ``cost``, ``removed``,
        ``unit_cost`` (NA when none), ``note`` (why not funded, when it is not).
    budget, total_cost, removed, score
        The budget and the totals of the answer (``total_cost <= budget``).
    method
        ``"milp"`` (exact, scipy / HiGHS) or ``"greedy"``.
    status
        ``"optimal"``, ``"greedy"``, ``"time_limit"`` (the optimiser stopped early; the
        better of its answer and greedy's is kept) or ``"nothing"``.
    message
        Why nothing (or not everything) could be funded; ``""`` otherwise.
    greedy
        The greedy answer for comparison (with ``method="milp"``).
    weights, limits
        What was used.
    key
        The key column of the units (``pocket_id``, ``kode`` ...).
    bound
        With ``method="milp"``: the best weighted score possible (proven by the
        optimiser; equals ``score`` when ``status == "optimal"``).
    """

    funded: pd.DataFrame
    by_intervention: pd.DataFrame
    budget: int
    total_cost: int
    removed: int
    score: float
    method: str
    status: str
    message: str = ""
    greedy: Allocation | None = None
    weights: dict[str, float] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    key: str = "pocket_id"
    bound: float | None = None

    @property
    def leftover(self) -> int:
        """Budget not spent."""
        return int(self.budget - self.total_cost)

    def by_unit(self) -> pd.DataFrame:
        """Totals per pocket (or kelurahan ...): ``units``, ``cost``, ``removed``."""
        if len(self.funded) == 0:
            return pd.DataFrame(columns=[self.key, "units", "cost", "removed"])
        return self.funded.groupby(self.key, sort=False)[["units", "cost", "removed"]].sum().reset_index()

    def summary(self) -> str:
        """A few lines a planner can read."""
        lines = [
            tr(
                "Anggaran {b}: {c} dialokasikan ({m}), {r:,} deprivasi teratasi, sisa {l}.",
                "Budget {b}: {c} allocated ({m}), {r:,} deprivations removed, {l} left.",
                b=_rp(self.budget),
                c=_rp(self.total_cost),
                m=self.method,
                r=self.removed,
                l=_rp(self.leftover),
            )
        ]
        if self.greedy is not None:
            lines.append(
                tr(
                    "Greedy: {c}, {r:,} deprivasi teratasi.",
                    "Greedy: {c}, {r:,} deprivations removed.",
                    c=_rp(self.greedy.total_cost),
                    r=self.greedy.removed,
                )
            )
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


@dataclass
class _Items:
    """Item groups of the knapsack: one per (unit row, intervention, housing class)."""

    row: np.ndarray
    inter: np.ndarray  # index into INTERVENTIONS
    k: np.ndarray  # dimensions removed per unit
    n: np.ndarray  # units available
    cost: np.ndarray
    value: np.ndarray  # weighted deprivations removed per unit
    rank: np.ndarray  # priority of the row (1 = first)


def allocate(
    needs_df: pd.DataFrame,
    costs: pd.DataFrame | None,
    budget: int | float | str,
    *,
    weights: Mapping[str, float] | None = None,
    limits: Mapping[str, Any] | None = None,
    method: Literal["milp", "greedy"] = "milp",
    time_limit: float = 60.0,
) -> Allocation:
    """Choose integer units of each intervention in each pocket to fund within a budget.

    Maximises the (weighted) deprivations removed: a household counts once per
    dimension removed, so a BSPS unit for a household lacking floor and roof removes 2
    (housing units are grouped by how many of floor, wall and roof the household lacks,
    ``housing_1`` .. ``housing_3`` of :func:`needs`; the optimiser funds the households
    lacking most first when that pays). Units never exceed the need. Among equally good
    answers, better-ranked pockets are funded first.

    ``method="milp"`` solves the integer programme exactly with scipy's ``milp``
    (HiGHS, relative gap 0) and also computes the greedy answer (units by deprivations
    removed per rupiah, best first, as long as they fit) for comparison; the answer
    returned is never worse than greedy's.

    Parameters
    ----------
    needs_df
        :func:`needs` (or :func:`cost_needs`) output: ``need_<intervention>`` columns,
        ``housing_1..3`` (else each housing unit counts as removing one dimension),
        optional ``rank`` and a key column (``pocket_id``, ``kode`` or ``kecamatan``).
    costs
        :func:`load_costs` output (``None``: the default table). Interventions without a
        unit cost are not funded, and the answer says so.
    budget
        Rupiah (``5_000_000_000`` or ``"5.000.000.000"``); must be more than zero.
    weights
        Weight per intervention (default 1 each; housing's applies per dimension
        removed), e.g. ``{"sanitation": 2}``. Zero leaves an intervention out.
    limits
        Caps, all optional: ``{"intervention": {"housing": 2_000_000_000}}`` (rupiah per
        intervention), ``{"units": {"housing": 50}}`` (units per intervention),
        ``{"pocket": 500_000_000}`` (rupiah per pocket, or a mapping by pocket id).
    method
        ``"milp"`` (default) or ``"greedy"``.
    time_limit
        Seconds the optimiser may take.

    Returns
    -------
    Allocation

    Raises
    ------
    OptionError
        Zero, negative or non-numeric budget; unknown weight, limit or method.

    Warns
    -----
    KantongWarning
        When nothing can be funded (no need, no unit cost, or a budget below the
        cheapest unit); the answer's ``message`` says the same.

    Examples
    --------
    >>> import pandas as pd
    >>> n = pd.DataFrame({"pocket_id": ["K01"], "rank": [1], "need_housing": [1], "housing_1": [1],
    ...                   "need_water": [2]})
    >>> costs = pd.DataFrame({"intervention": ["housing", "water"], "unit_cost": [6, 5]})
    >>> a = allocate(n, costs, 10, weights={"housing": 1.4})
    >>> a.removed, a.total_cost, a.greedy.removed
    (2, 10, 1)
    """
    if method not in ("milp", "greedy"):
        raise OptionError(tr("metode alokasi '{m}' tidak dikenal", "unknown allocation method '{m}'", m=method), hint=tr("pilih 'milp' atau 'greedy'", "choose 'milp' or 'greedy'"))
    amount = parse_budget(budget)
    if not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise OptionError(tr("batas waktu harus lebih dari nol detik", "the time limit must be more than zero seconds"))
    w = check_weights(weights, ALLOCATION_WEIGHTS, what=tr("alokasi", "allocation"))
    unit = _unit_costs(costs)
    key = next((c for c in ("pocket_id", "kode", "kecamatan") if c in needs_df), None)
    frame = needs_df.reset_index(drop=True)
    keys = frame[key].astype(str).to_numpy() if key else np.array([str(i + 1) for i in range(len(frame))], dtype=object)
    key = key or "row"
    lim = _check_limits(limits, keys)
    lim["_keys"] = keys
    items, notes = _items(frame, unit, w)
    need_total = {i: int(frame[f"need_{i}"].to_numpy(dtype="float64", na_value=0).sum()) if f"need_{i}" in frame else 0 for i in INTERVENTIONS}

    def build(x: np.ndarray, meth: str, status: str, message: str, greedy: Allocation | None) -> Allocation:
        return _result(frame, key, keys, items, x, unit, need_total, notes, amount, w, lim, meth, status, message, greedy)

    reason = _nothing_reason(items, unit, need_total, notes, amount, w, len(frame))
    if reason:
        warnings.warn(reason, KantongWarning, stacklevel=2)
        empty = np.zeros(len(items.n), dtype=np.int64)
        g = build(empty, "greedy", "nothing", reason, None) if method == "milp" else None
        return build(empty, method, "nothing", reason, g)
    xg = _greedy(items, amount, lim)
    if method == "greedy":
        return build(xg, "greedy", "greedy", "", None)
    greedy_alloc = build(xg, "greedy", "greedy", "", None)
    xm, status, bound = _milp(items, amount, lim, time_limit=time_limit)
    message = ""
    if xm is None or float(items.value @ xm) < float(items.value @ xg) - 1e-9:
        xm = xg.copy()
        message = tr(
            "Pengoptimal berhenti sebelum selesai (batas waktu {t} dtk); jawaban greedy dipakai karena lebih baik.",
            "The optimiser stopped early (time limit {t} s); the greedy answer is used as it is better.",
            t=time_limit,
        )
    elif status != "optimal":
        score = float(items.value @ xm)
        if bound is not None and bound >= score:
            message = tr(
                "Pengoptimal berhenti pada batas waktu {t} dtk: jawaban ini sah dan paling banyak {d:.1f} skor ({p:.4%}) di bawah yang terbaik.",
                "The optimiser stopped at the time limit of {t} s: this answer is valid and at most {d:.1f} of score ({p:.4%}) below the best possible.",
                t=time_limit,
                d=bound - score,
                p=(bound - score) / bound if bound else 0.0,
            )
        else:
            message = tr(
                "Pengoptimal berhenti pada batas waktu {t} dtk: jawaban ini sah tetapi mungkin belum optimal.",
                "The optimiser stopped at the time limit of {t} s: this answer is valid but may not be optimal.",
                t=time_limit,
            )
    if xm.sum() == 0 and not message:
        message = tr(
            "Tidak ada yang bisa didanai dalam batas yang diberikan (anggaran per intervensi/kantong).",
            "Nothing could be funded within the limits given (per intervention / per pocket).",
        )
        status = "nothing"
    xm = _prefer_priority(items, xm, lim)
    out = build(xm, "milp", status, message, greedy_alloc)
    out.bound = float(items.value @ xm) if status == "optimal" else bound
    return out


def _check_limits(limits: Mapping[str, Any] | None, keys: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"intervention": {}, "units": {}, "pocket": {}}
    if not limits:
        return out
    for kind, value in limits.items():
        if kind not in out:
            raise OptionError(
                tr("batas '{k}' tidak dikenal", "unknown limit '{k}'", k=kind),
                hint=tr("gunakan 'intervention' (rupiah), 'units' (unit) atau 'pocket' (rupiah)", "use 'intervention' (rupiah), 'units' (units) or 'pocket' (rupiah)"),
            )
        if kind == "pocket" and not isinstance(value, Mapping):
            out["pocket"] = {k: _limit_amount(value, kind, "*") for k in keys}
            continue
        if not isinstance(value, Mapping):
            raise OptionError(tr("batas '{k}' harus berupa pasangan nama: angka", "limit '{k}' must be name: number pairs", k=kind), hint=tr("misalnya {{'housing': 2000000000}}", "e.g. {{'housing': 2000000000}}"))
        for name, v in value.items():
            if kind == "pocket":
                if str(name) not in set(keys.tolist()):
                    raise OptionError(tr("batas untuk kantong '{n}' yang tidak ada", "limit for pocket '{n}', which does not exist", n=name), hint=tr("gunakan pocket_id dari daftar kantong", "use a pocket_id of the pocket list"))
                out["pocket"][str(name)] = _limit_amount(v, kind, name)
            else:
                inter = _INTERVENTION_LOOKUP.get(label_key(name))
                if inter is None:
                    raise OptionError(tr("batas untuk intervensi '{n}' yang tidak dikenal", "limit for unknown intervention '{n}'", n=name), hint=tr("gunakan salah satu: {v}", "use one of: {v}", v=", ".join(INTERVENTIONS)))
                out[kind][inter] = _limit_amount(v, kind, name)
    return out


def _limit_amount(value: object, kind: str, name: object) -> int:
    try:
        amount = _parse_amount(value)
    except ValueError:
        amount = None
    if amount is None or amount < 0:
        raise OptionError(
            tr("batas '{k}' untuk '{n}' harus angka tidak negatif, bukan {v!r}", "limit '{k}' for '{n}' must be a non-negative number, not {v!r}", k=kind, n=name, v=value)
        )
    return int(amount)


def _items(frame: pd.DataFrame, unit: dict[str, int], w: dict[str, float]) -> tuple[_Items, dict[str, str]]:
    rows, inter, ks, ns, cost, value = [], [], [], [], [], []
    notes: dict[str, str] = {}
    nrow = len(frame)
    rank = frame["rank"].to_numpy(dtype="float64", na_value=np.inf) if "rank" in frame else np.arange(1, nrow + 1, dtype=float)
    for j, i in enumerate(INTERVENTIONS):
        col = f"need_{i}"
        if col not in frame:
            continue
        need = np.maximum(frame[col].to_numpy(dtype="float64", na_value=0.0), 0).astype(np.int64)
        if need.sum() == 0:
            continue
        if i not in unit:
            notes[i] = tr("tanpa biaya satuan: isi dengan --costs", "no unit cost: set it with --costs")
            continue
        if w[i] <= 0:
            notes[i] = tr("bobot nol", "weight zero")
            continue
        if i == "housing" and all(f"housing_{k}" in frame for k in (1, 2, 3)):
            groups = [(k, np.maximum(frame[f"housing_{k}"].to_numpy(dtype="float64", na_value=0.0), 0).astype(np.int64)) for k in (1, 2, 3)]
        else:
            groups = [(1, need)]
        for k, n in groups:
            r = np.flatnonzero(n > 0)
            rows.append(r)
            inter.append(np.full(len(r), j))
            ks.append(np.full(len(r), k))
            ns.append(n[r])
            cost.append(np.full(len(r), float(unit[i])))
            value.append(np.full(len(r), w[i] * k))
    cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt)  # noqa: E731
    r = cat(rows, np.int64)
    items = _Items(row=r, inter=cat(inter, np.int64), k=cat(ks, np.int64), n=cat(ns, np.int64), cost=cat(cost, float), value=cat(value, float), rank=rank[r] if len(r) else np.zeros(0))
    return items, notes


def _nothing_reason(items: _Items, unit: dict[str, int], need_total: dict[str, int], notes: dict[str, str], budget: int, w: dict[str, float], n_rows: int) -> str:
    if n_rows == 0:
        return tr("Tidak ada yang bisa didanai: tidak ada kantong (atau wilayah) dalam daftar kebutuhan.", "Nothing could be funded: the needs list holds no pocket (or area).")
    if sum(need_total.values()) == 0:
        return tr("Tidak ada yang bisa didanai: tidak ada kebutuhan tercatat.", "Nothing could be funded: no needs recorded.")
    if len(items.n) == 0:
        uncosted = [i for i, v in need_total.items() if v > 0 and i not in unit]
        return tr(
            "Tidak ada yang bisa didanai: intervensi yang dibutuhkan ({i}) belum punya biaya satuan atau berbobot nol; isi biaya satuan dengan --costs.",
            "Nothing could be funded: the interventions needed ({i}) have no unit cost or weight zero; set unit costs with --costs.",
            i=", ".join(uncosted or [i for i, v in need_total.items() if v > 0]),
        )
    cheapest = float(items.cost.min())
    if budget < cheapest:
        j = int(items.inter[np.argmin(items.cost)])
        return tr(
            "Tidak ada yang bisa didanai: anggaran {b} di bawah biaya satu unit termurah ({i}, {c}). Naikkan anggaran atau periksa biaya satuan.",
            "Nothing could be funded: the budget {b} is below the cheapest single unit ({i}, {c}). Raise the budget or check the unit costs.",
            b=_rp(budget),
            i=intervention_label(INTERVENTIONS[j]),
            c=_rp(cheapest),
        )
    return ""


def _greedy(items: _Items, budget: int, lim: dict[str, Any]) -> np.ndarray:
    """Units by weighted deprivations removed per rupiah, best first (ties: priority,
    then intervention order), as many as fit the budget and the caps."""
    m = len(items.n)
    x = np.zeros(m, dtype=np.int64)
    ratio = items.value / items.cost
    order = np.lexsort((items.k * -1, items.inter, items.rank, -ratio))
    left = float(budget)
    inter_left = {i: float(v) for i, v in lim["intervention"].items()}
    units_left = {i: int(v) for i, v in lim["units"].items()}
    pocket_left = {k: float(v) for k, v in lim["pocket"].items()}
    keys = lim.get("_keys")
    for t in order.tolist():
        c = items.cost[t]
        if c > left:
            continue
        name = INTERVENTIONS[items.inter[t]]
        take = min(int(items.n[t]), int(left // c))
        if name in inter_left:
            take = min(take, int(inter_left[name] // c))
        if name in units_left:
            take = min(take, units_left[name])
        pk = keys[items.row[t]] if keys is not None else None
        if pk is not None and pk in pocket_left:
            take = min(take, int(pocket_left[pk] // c))
        if take <= 0:
            continue
        x[t] = take
        left -= take * c
        if name in inter_left:
            inter_left[name] -= take * c
        if name in units_left:
            units_left[name] -= take
        if pk is not None and pk in pocket_left:
            pocket_left[pk] -= take * c
    return x


def _milp(items: _Items, budget: int, lim: dict[str, Any], *, time_limit: float) -> tuple[np.ndarray | None, str, float | None]:
    """Solve exactly (relative gap 0) within ``time_limit``; also the proven bound on the
    weighted score (HiGHS's dual bound)."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    m = len(items.n)
    rows = [sp.csr_matrix(items.cost[None, :])]
    upper = [float(budget)]
    for name, cap in lim["intervention"].items():
        sel = items.inter == INTERVENTIONS.index(name)
        rows.append(sp.csr_matrix((items.cost * sel)[None, :]))
        upper.append(float(cap))
    for name, cap in lim["units"].items():
        sel = (items.inter == INTERVENTIONS.index(name)).astype(float)
        rows.append(sp.csr_matrix(sel[None, :]))
        upper.append(float(cap))
    keys = lim.get("_keys")
    if lim["pocket"] and keys is not None:
        capped = [k for k in lim["pocket"]]
        pos = {k: r for r, k in enumerate(capped)}
        item_key = keys[items.row]
        hit = np.array([k in pos for k in item_key], dtype=bool)
        cols = np.flatnonzero(hit)
        rr = np.array([pos[k] for k in item_key[hit]], dtype=np.int64)
        rows.append(sp.csr_matrix((items.cost[cols], (rr, cols)), shape=(len(capped), m)))
        upper.extend(float(lim["pocket"][k]) for k in capped)
    A = sp.vstack(rows).tocsr()
    res = milp(
        -items.value,
        constraints=LinearConstraint(A, -np.inf, np.asarray(upper)),
        integrality=np.ones(m),
        bounds=Bounds(np.zeros(m), items.n.astype(float)),
        options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "disp": False},
    )
    bound = getattr(res, "mip_dual_bound", None)
    bound = None if bound is None or not np.isfinite(bound) else -float(bound)
    if res.x is None:
        return None, "time_limit", bound
    x = np.clip(np.round(res.x).astype(np.int64), 0, items.n)
    # rounding guard: drop units until every constraint holds
    while (A @ x > np.asarray(upper) + 1e-6).any():
        t = int(np.argmax(np.where(x > 0, items.cost, -1)))
        x[t] -= 1
    return x, ("optimal" if res.status == 0 else "time_limit"), bound


def _prefer_priority(items: _Items, x: np.ndarray, lim: dict[str, Any]) -> np.ndarray:
    """Among equally good answers, fund better-ranked rows: move units of the same kind
    (same cost and value, so budget, caps and the objective are unchanged) from worse-
    to better-ranked rows, within the per-pocket caps."""
    x = x.copy()
    keys = lim.get("_keys")
    caps = lim["pocket"]
    spent: dict[str, float] = {}
    if caps and keys is not None:
        for t in np.flatnonzero(x > 0):
            k = keys[items.row[t]]
            spent[k] = spent.get(k, 0.0) + x[t] * items.cost[t]
    kinds = pd.DataFrame({"inter": items.inter, "k": items.k}).groupby(["inter", "k"], sort=True).indices
    for idx in kinds.values():
        idx = np.asarray(idx)
        idx = idx[np.lexsort((items.row[idx], items.rank[idx]))]
        if not caps:
            total = int(x[idx].sum())
            fill = np.minimum(items.n[idx], np.maximum(total - np.concatenate([[0], np.cumsum(items.n[idx])[:-1]]), 0))
            x[idx] = fill
            continue
        a, b = 0, len(idx) - 1
        while a < b:
            ta, tb = idx[a], idx[b]
            if x[tb] == 0:
                b -= 1
                continue
            room = int(items.n[ta] - x[ta])
            ka = keys[items.row[ta]]
            c = items.cost[ta]
            if ka in caps:
                room = min(room, int((caps[ka] - spent.get(ka, 0.0)) // c))
            if room <= 0:
                a += 1
                continue
            move = min(room, int(x[tb]))
            x[ta] += move
            x[tb] -= move
            kb = keys[items.row[tb]]
            spent[ka] = spent.get(ka, 0.0) + move * c
            spent[kb] = spent.get(kb, 0.0) - move * c
    return x


def _result(
    frame: pd.DataFrame,
    key: str,
    keys: np.ndarray,
    items: _Items,
    x: np.ndarray,
    unit: dict[str, int],
    need_total: dict[str, int],
    notes: dict[str, str],
    budget: int,
    w: dict[str, float],
    lim: dict[str, Any],
    method: str,
    status: str,
    message: str,
    greedy: Allocation | None,
) -> Allocation:
    take = x > 0
    detail = pd.DataFrame(
        {
            "row": items.row[take],
            "intervention": [INTERVENTIONS[j] for j in items.inter[take]],
            "units": x[take],
            "unit_cost": items.cost[take].astype(np.int64),
            "removed": x[take] * items.k[take],
            "score": x[take] * items.value[take],
        }
    )
    detail["cost"] = detail["units"] * detail["unit_cost"]
    funded = detail.groupby(["row", "intervention"], sort=False).agg(units=("units", "sum"), unit_cost=("unit_cost", "first"), cost=("cost", "sum"), removed=("removed", "sum"), score=("score", "sum")).reset_index()
    funded["_order"] = funded["intervention"].map({i: j for j, i in enumerate(INTERVENTIONS)})
    rank = frame["rank"].to_numpy(dtype="float64", na_value=np.inf) if "rank" in frame else np.arange(1, len(frame) + 1, dtype=float)
    funded["_rank"] = rank[funded["row"].to_numpy()] if len(funded) else []
    funded = funded.sort_values(["_rank", "row", "_order"], kind="stable")
    info_cols = [c for c in (key, "rank", "kelurahan", "kecamatan", "rt_rw") if c in frame and c != "row"]
    info = frame.loc[funded["row"].to_numpy(), info_cols].reset_index(drop=True) if info_cols else pd.DataFrame(index=range(len(funded)))
    if key == "row":
        info.insert(0, "row", keys[funded["row"].to_numpy()])
    funded = pd.concat([info, funded[["intervention", "units", "unit_cost", "cost", "removed", "score"]].reset_index(drop=True)], axis=1)
    for c in ("units", "unit_cost", "cost", "removed"):
        funded[c] = funded[c].astype(np.int64)
    per = []
    for i in INTERVENTIONS:
        sub = funded[funded["intervention"] == i]
        units = int(sub["units"].sum())
        note = notes.get(i, "")
        if not note and need_total[i] > 0 and units == 0:
            note = tr("tidak terdanai dalam anggaran", "not funded within the budget")
        if not note and need_total[i] == 0:
            note = tr("tidak ada kebutuhan", "no need")
        per.append(
            {
                "intervention": i,
                "need": need_total[i],
                "units": units,
                "unit_cost": unit.get(i, pd.NA),
                "cost": int(sub["cost"].sum()),
                "removed": int(sub["removed"].sum()),
                "note": note,
            }
        )
    by_inter = pd.DataFrame(per)
    by_inter["unit_cost"] = pd.array(by_inter["unit_cost"].tolist(), dtype="Int64")
    total_cost = int(funded["cost"].sum())
    if status != "nothing":
        uncosted = [i for i in INTERVENTIONS if i in notes and i not in unit]
        if uncosted:
            note = tr(
                "Tidak dipertimbangkan karena belum ada biaya satuan: {i}.",
                "Not considered because they have no unit cost: {i}.",
                i=", ".join(intervention_label(i) for i in uncosted),
            )
            message = f"{message} {note}".strip()
    public_limits = {k: v for k, v in lim.items() if not k.startswith("_") and v}
    return Allocation(
        funded=funded,
        by_intervention=by_inter,
        budget=int(budget),
        total_cost=total_cost,
        removed=int(funded["removed"].sum()),
        score=float(funded["score"].sum()),
        method=method,
        status=status,
        message=message,
        greedy=greedy,
        weights=dict(w),
        limits=public_limits,
        key=key,
    )


# --------------------------------------------------------------------------------------
# overlaps
# --------------------------------------------------------------------------------------

#: the overlap checks, in the order the spreadsheets list them
CHECKS: tuple[str, ...] = ("duplicate_family", "recipient_not_in_register", "recipient_repeated", "exclusion", "inclusion")


def _check_texts(check: str) -> tuple[str, str, str]:
    """(label, sheet name, what to do) of an overlap check, in the user's language."""
    return {
        "duplicate_family": (
            tr("Keluarga tercatat lebih dari sekali (NIK / ID keluarga sama)", "Family listed more than once (same NIK / family id)"),
            tr("Keluarga Ganda", "Duplicate Families"),
            tr("Verifikasi dan gabungkan di data sumber; dihitung sekali di semua angka.", "Verify and merge in the source data; counted once in every figure."),
        ),
        "recipient_not_in_register": (
            tr("Penerima di daftar tambahan yang tidak ada di data keluarga", "Recipients on the extra list not in the register"),
            tr("Penerima Tak Terdaftar", "Recipients Not Listed"),
            tr("Periksa kelayakan; daftarkan bila layak.", "Check eligibility; register them when eligible."),
        ),
        "recipient_repeated": (
            tr("Penerima tercatat dua kali di daftar tambahan (program sama)", "Recipients listed twice on the extra list (same programme)"),
            tr("Penerima Ganda", "Repeated Recipients"),
            tr("Pastikan bantuan tidak dibayar dua kali.", "Make sure the aid is not paid twice."),
        ),
        "exclusion": (
            tr("Keluarga miskin yang tidak menerima bantuan apa pun (exclusion error)", "Poor households receiving no aid (exclusion error)"),
            tr("Exclusion Error", "Exclusion Errors"),
            tr("Verifikasi lapangan; usulkan sebagai penerima.", "Verify on site; propose them as recipients."),
        ),
        "inclusion": (
            tr("Keluarga desil ≥ {d} yang menerima bantuan (inclusion error)", "Households with desil ≥ {d} receiving aid (inclusion error)", d=INCLUSION_DESIL),
            tr("Inclusion Error", "Inclusion Errors"),
            tr("Verifikasi kelayakan pada pemutakhiran data.", "Verify eligibility at the next data update."),
        ),
    }[check]


@dataclass
class Overlaps:
    """Overlap findings (:func:`overlaps`).

    Attributes
    ----------
    summary
        One row per check of :data:`CHECKS`: ``check``, ``families`` (families
        concerned), ``rows`` (rows involved), ``checked`` (``False`` when the data
        cannot tell, e.g. no recipient list or no programme flag). Aggregates only:
        goes into pockets.xlsx.
    families
        ``check -> DataFrame`` of the rows concerned, with NIK and name: personal data,
        only for internal/overlaps.xlsx.
    recipients
        The recipient list used (:func:`read_recipients`), or ``None``.
    """

    summary: pd.DataFrame
    families: dict[str, pd.DataFrame]
    recipients: pd.DataFrame | None = None
    poor: str = ""

    def count(self, check: str) -> int:
        """Families concerned by one check."""
        return int(self.summary.set_index("check").loc[check, "families"])


def overlaps(
    result: GeocodeResult | pd.DataFrame,
    *,
    recipients: str | Path | pd.DataFrame | None = None,
    pockets: PocketResult | None = None,
    poor: str | None = None,
) -> Overlaps:
    """Overlap checks: the same family twice, recipient-list problems, exclusion and inclusion.

    ``duplicate_family``
        rows of the same family (same NIK or same family id, transitively; the first
        occurrence is the original, as in geocoding);
    ``recipient_not_in_register`` / ``recipient_repeated``
        families on the optional recipient list that are not in the register, or that
        are listed more than once for the same programme (needs ``recipients``);
    ``exclusion``
        poor households (``poor``) known to receive no programme: no programme flag
        ``ya`` and not on the recipient list (households whose flags are all blank count
        only when a recipient list is given: it then says who receives);
    ``inclusion``
        households with desil >= 6 receiving a programme or on the recipient list.

    Each family counts once (duplicates skipped) in exclusion and inclusion.

    Parameters
    ----------
    result
        A :class:`~kantong.geocode.GeocodeResult` or its ``households`` frame.
    recipients
        Recipient list: file or frame (:func:`read_recipients`).
    pockets
        When given, the families' ``pocket_id`` is listed and its poverty definition
        is used.
    poor
        Who is poor (default the pockets' definition, else ``desil <= 1``).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"household_id": ["A", "B", "A"], "nik": ["1" * 16, "2" * 16, "3" * 16],
    ...                    "desil": pd.array([1, 8, 1], dtype="Int64"),
    ...                    "recv_pkh": pd.array([False, True, False], dtype="boolean")})
    >>> o = overlaps(hh)
    >>> o.count("duplicate_family"), o.count("exclusion"), o.count("inclusion")
    (1, 1, 1)
    """
    from kantong.geocode import GeocodeResult
    from kantong.pockets import DEFAULT_POOR

    res = result if isinstance(result, GeocodeResult) else None
    hh = result.households if isinstance(result, GeocodeResult) else result
    if poor is None:
        poor = getattr(pockets, "poor", None) or DEFAULT_POOR
    rec = None
    if recipients is not None:
        rec = recipients if _is_recipient_frame(recipients) else read_recipients(recipients)  # type: ignore[arg-type]
    f = _flags(hh, poor=poor, recipients=rec)
    n = len(hh)
    source_rows = res.source.rows.astype(int) if res is not None else np.arange(1, n + 1)
    labels = pockets.labels.reindex(hh.index).fillna("").astype(str).to_numpy() if pockets is not None else None

    def people(idx: np.ndarray, extra: dict[str, Any] | None = None) -> pd.DataFrame:
        cols: dict[str, Any] = {"row": source_rows[idx]}
        for c in ("household_id", "nik", "head_name", "address", "kelurahan", "kecamatan", "rt", "rw", "kode"):
            if c in hh:
                cols[c] = hh[c].to_numpy(dtype=object)[idx]
        if "desil" in hh:
            cols["desil"] = hh["desil"].to_numpy(dtype=object)[idx]
        if labels is not None:
            cols["pocket_id"] = labels[idx]
        frame = pd.DataFrame(cols)
        for k, v in (extra or {}).items():
            frame[k] = v
        return frame

    families: dict[str, pd.DataFrame] = {}
    summary: list[dict[str, Any]] = []

    # the same family twice
    roots = _family_roots(hh)
    dup_rows = np.flatnonzero(roots != np.arange(n))
    involved = np.flatnonzero(np.isin(roots, roots[dup_rows]))
    matched = []
    for r in involved:
        o = roots[r]
        if r == o:
            matched.append(tr("asli", "original"))
            continue
        why = []
        if "nik" in hh and _valid_nik(hh["nik"].iloc[[r]])[0] and str(hh["nik"].iloc[r]) == str(hh["nik"].iloc[o]):
            why.append("NIK")
        if "household_id" in hh and _valid_id(hh["household_id"].iloc[[r]])[0] and str(hh["household_id"].iloc[r]).strip() == str(hh["household_id"].iloc[o]).strip():
            why.append(tr("ID keluarga", "family id"))
        matched.append(tr("sama: {w}", "same: {w}", w=" + ".join(why) or tr("berantai", "chained")))
    dup = people(involved, {"family": source_rows[roots[involved]], "match": matched})
    dup = dup.sort_values(["family", "row"], kind="stable").reset_index(drop=True)
    families["duplicate_family"] = dup
    summary.append({"check": "duplicate_family", "families": int(len(np.unique(roots[dup_rows]))), "rows": int(len(dup_rows)), "checked": "nik" in hh or "household_id" in hh})

    # the recipient list
    if rec is not None and len(rec):
        in_register = np.zeros(len(rec), dtype=bool)
        if "nik" in hh:
            ok = _valid_nik(hh["nik"])
            in_register |= rec["nik"].isin(set(hh["nik"].astype(str)[ok])).to_numpy() & _valid_nik(rec["nik"])
        if "household_id" in hh:
            ok = _valid_id(hh["household_id"])
            in_register |= rec["household_id"].isin(set(hh["household_id"].astype(str).str.strip()[ok])).to_numpy() & _valid_id(rec["household_id"])
        missing = rec.loc[~in_register].reset_index(drop=True)
        families["recipient_not_in_register"] = missing
        rroots = _family_roots(rec[["nik", "household_id"]])
        key = pd.Series(rroots.astype(str)) + "|" + rec["programme"].str.lower().reset_index(drop=True)
        repeated = key.duplicated(keep=False).to_numpy()
        rep = rec.loc[repeated].assign(family=rec["row"].to_numpy()[rroots[repeated]]).sort_values(["family", "row"], kind="stable").reset_index(drop=True)
        families["recipient_repeated"] = rep
        summary.append({"check": "recipient_not_in_register", "families": int(len(missing)), "rows": int(len(missing)), "checked": True})
        summary.append({"check": "recipient_repeated", "families": int(key[repeated].nunique()), "rows": int(repeated.sum()), "checked": True})
    else:
        families["recipient_not_in_register"] = pd.DataFrame(columns=["row", "nik", "household_id", "programme"])
        families["recipient_repeated"] = pd.DataFrame(columns=["row", "nik", "household_id", "programme"])
        summary.append({"check": "recipient_not_in_register", "families": 0, "rows": 0, "checked": False})
        summary.append({"check": "recipient_repeated", "families": 0, "rows": 0, "checked": False})

    received = _received_text(f, hh, _listed(hh, rec))
    excl = np.flatnonzero(f.keep & f.poor & f.ranked & f.recv_known & ~f.recv_any)
    incl = np.flatnonzero(f.keep & (f.desil >= INCLUSION_DESIL) & f.recv_any)
    families["exclusion"] = people(excl)
    families["inclusion"] = people(incl, {"programmes": received[incl]})
    has_flags = bool(f.recv_known.any())
    summary.append({"check": "exclusion", "families": int(len(excl)), "rows": int(len(excl)), "checked": has_flags})
    summary.append({"check": "inclusion", "families": int(len(incl)), "rows": int(len(incl)), "checked": has_flags})
    return Overlaps(summary=pd.DataFrame(summary), families=families, recipients=rec, poor=poor)


_compute_overlaps = overlaps


def _received_text(f: _Flags, hh: pd.DataFrame, listed: np.ndarray) -> np.ndarray:
    parts = [np.where(v, p.upper(), "") for p, v in f.recv.items() if v is not None]
    parts.append(np.where(listed, tr("daftar tambahan", "extra list"), ""))
    n = len(hh)
    out = np.array([""] * n, dtype=object)
    for arr in parts:
        out = np.where(arr != "", np.where(out != "", out + ", " + arr, arr), out)
    return out


# --------------------------------------------------------------------------------------
# spreadsheets
# --------------------------------------------------------------------------------------

_FMT_RP = '"Rp" #,##0'
_FMT_INT = "#,##0"
_FMT_PCT = "0.0%"
_FMT_DEC = "0.00"
_FMT_P = "0.000"
_FMT_TEXT = "@"


def _excel_value(v: object) -> object:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def _write_table(ws: Any, frame: pd.DataFrame, *, start_row: int = 1, formats: Mapping[str, str] | None = None, total: Mapping[str, object] | None = None, wrap: Iterable[str] = ()) -> int:
    """Write ``frame`` with a bold header at ``start_row``; returns the header row."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    formats = dict(formats or {})
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    thin = Side(style="thin", color="999999")
    header_align = Alignment(wrap_text=True, vertical="top")
    wrap = set(wrap)
    for j, col in enumerate(frame.columns, start=1):
        cell = ws.cell(row=start_row, column=j, value=str(col))
        cell.font = bold
        cell.fill = fill
        cell.alignment = header_align
        cell.border = Border(bottom=thin)
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, (col, v) in enumerate(zip(frame.columns, row), start=1):
            cell = ws.cell(row=i, column=j, value=_excel_value(v))
            if col in formats:
                cell.number_format = formats[col]
            cell.alignment = Alignment(wrap_text=col in wrap, vertical="top")
    if total:
        r = start_row + len(frame) + 1
        for j, col in enumerate(frame.columns, start=1):
            if col in total:
                cell = ws.cell(row=r, column=j, value=_excel_value(total[col]))
                cell.font = bold
                cell.border = Border(top=thin)
                if col in formats:
                    cell.number_format = formats[col]
    return start_row


def _wrapped_lines(text: str, width: int, *, bold: bool = False) -> int:
    """Lines ``text`` takes when word-wrapped at ``width`` characters."""
    if bold:
        width = max(int(width * 0.9), 4)
    total = 0
    for para in text.split("\n"):
        n, used = 1, 0
        for word in para.split(" "):
            size = len(word)
            if used and used + 1 + size > width:
                n += 1 + (size - 1) // width
                used = size % width or width
            else:
                used += (1 if used else 0) + size
                if used > width:
                    n += (used - 1) // width
                    used = used % width or width
        total += n
    return total


def _finish_sheet(ws: Any, *, header_row: int, widths: Mapping[int, float] | None = None, max_width: float = 45.0) -> None:
    """Frozen header, column widths from the content, A4 landscape, fit to width."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    best: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            v = cell.value
            if isinstance(v, float):
                text = f"{v:,.2f}"
            elif isinstance(v, int):
                text = f"Rp {v:,}" if "Rp" in (cell.number_format or "") else f"{v:,}"
            else:
                text = str(v)
            longest = max((len(x) for x in text.split("\n")), default=0)
            if cell.row == header_row:  # headers wrap: fit the longest word, about 12 wide
                longest = max(min(longest, 12), max((len(w) for w in text.split()), default=0))
            best[cell.column] = max(best.get(cell.column, 0.0), longest)
    for col, n in best.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max_width, max(8.0, n + 2.0))
    for col, n in (widths or {}).items():
        ws.column_dimensions[get_column_letter(col)].width = n
    # row heights for wrapped text (spreadsheet programs do not always recompute them)
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text) or not isinstance(cell.value, str):
                continue
            width = ws.column_dimensions[get_column_letter(cell.column)].width or 10.0
            lines = max(lines, _wrapped_lines(cell.value, max(int(width * 1.15) - 2, 4), bold=bool(cell.font and cell.font.bold)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 12.75 * lines + 1.5
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _compact_rt_rw(text: str) -> str:
    """``"003/007, 004/007, 005/007, 011/002"`` -> ``"RW 2: RT 11; RW 7: RT 3-5"``.

    Numeric RT/RW lose their zero padding and consecutive RT become ranges; anything
    else is kept as written.

    >>> _compact_rt_rw("003/007, 004/007, 005/007, 011/002, x/")
    'RW 2: RT 11; RW 7: RT 3–5; x'
    """
    groups: dict[tuple[int, object], set[object]] = {}
    other: list[str] = []
    for pair in (p.strip() for p in str(text).split(",")):
        if not pair:
            continue
        rt, _, rw = pair.partition("/")
        rt, rw = rt.strip(), rw.strip()
        if not rw or not rt:
            other.append(pair.strip("/"))
            continue
        key = (0, int(rw)) if rw.isdigit() else (1, rw)
        groups.setdefault(key, set()).add(int(rt) if rt.isdigit() else rt)
    parts = []
    for (_, rw), rts in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]).zfill(8))):
        nums = sorted(x for x in rts if isinstance(x, int))
        runs: list[str] = []
        start = prev = None
        for x in nums + [None]:
            if x is not None and prev is not None and x == prev + 1:
                prev = x
                continue
            if start is not None:
                runs.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = x
        runs += sorted(str(x) for x in rts if not isinstance(x, int))
        parts.append(f"RW {rw}: RT {', '.join(runs)}")
    return "; ".join(parts + other)


def _key_specs(by: str) -> list[tuple[str, str, str | None]]:
    if by == "pocket":
        return [
            ("rank", tr("Peringkat", "Rank"), _FMT_INT),
            ("pocket_id", tr("ID Kantong", "Pocket ID"), None),
            ("kelurahan", tr("Kelurahan/Desa", "Kelurahan/Village"), None),
        ]
    if by == "kelurahan":
        return [
            ("kode", tr("Kode Wilayah", "Village code"), None),
            ("kelurahan", tr("Kelurahan/Desa", "Kelurahan/Village"), None),
            ("kecamatan", tr("Kecamatan", "District (kecamatan)"), None),
        ]
    return [("kecamatan", tr("Kecamatan", "District (kecamatan)"), None)]


def _sheet_specs(by: str, kind: str) -> list[tuple[str, str, str | None]]:
    """Columns of one sheet: (source column, header, number format).

    ``kind``: ``"needs"`` (the main list: size, poverty, needs, estimated cost),
    ``"costs"`` (cost per intervention) or ``"aid"`` (programme receipt, exclusion,
    inclusion). Split so that each prints legibly on one A4 landscape page width.
    """
    cols = _key_specs(by)
    if kind == "needs":
        if by == "pocket":
            cols.append(("rt_rw", "RT/RW", None))
        else:
            cols.append(("n_pockets", tr("Jumlah Kantong", "Pockets"), _FMT_INT))
        cols += [
            ("n_households", tr("Keluarga (KK)", "Households"), _FMT_INT),
            ("n_people", tr("Jiwa", "People"), _FMT_INT),
            ("n_poor", tr("Keluarga Miskin", "Poor households"), _FMT_INT),
            ("rate", tr("Persentase Miskin", "Poverty rate"), _FMT_PCT),
        ]
        if by == "pocket":
            cols.append(("deprivations", tr("Deprivasi Dominan", "Dominant deprivations"), None))
        for i in INTERVENTIONS:
            cols.append((f"need_{i}", tr("Butuh {x} (KK)", "Need {x} (households)", x=intervention_label(i)), _FMT_INT))
        cols.append(("cost_total", tr("Perkiraan Biaya (Rp)", "Estimated cost (Rp)"), _FMT_RP))
    elif kind == "costs":
        for i in INTERVENTIONS:
            cols.append((f"cost_{i}", tr("{x} (Rp)", "{x} (Rp)", x=intervention_label(i)), _FMT_RP))
        cols += [
            ("cost_total", tr("Perkiraan Biaya (Rp)", "Estimated cost (Rp)"), _FMT_RP),
            ("cost_low", tr("Perkiraan Terendah (Rp)", "Low estimate (Rp)"), _FMT_RP),
            ("cost_high", tr("Perkiraan Tertinggi (Rp)", "High estimate (Rp)"), _FMT_RP),
            ("uncosted", tr("Kebutuhan Tanpa Biaya Satuan", "Needs without unit cost"), None),
        ]
    else:
        cols += [
            ("n_households", tr("Keluarga (KK)", "Households"), _FMT_INT),
            ("n_poor", tr("Keluarga Miskin", "Poor households"), _FMT_INT),
            ("n_recv_pkh", tr("Penerima PKH", "PKH recipients"), _FMT_INT),
            ("n_recv_bpnt", tr("Penerima BPNT", "BPNT recipients"), _FMT_INT),
            ("n_recv_blt", tr("Penerima BLT", "BLT recipients"), _FMT_INT),
            ("n_recv_pbijk", tr("Penerima PBI-JK", "PBI-JK recipients"), _FMT_INT),
            ("n_recv_any", tr("Penerima Bantuan Apa Pun", "Receiving any aid"), _FMT_INT),
            ("n_exclusion", tr("Miskin Tanpa Bantuan (exclusion)", "Poor without aid (exclusion)"), _FMT_INT),
            ("n_inclusion", tr("Desil ≥ {d} Menerima Bantuan (inclusion)", "Desil ≥ {d} receiving aid (inclusion)", d=INCLUSION_DESIL), _FMT_INT),
        ]
    return cols


def _build_table(costed: pd.DataFrame, specs: list[tuple[str, str, str | None]]) -> tuple[pd.DataFrame, dict[str, str], dict[str, object]]:
    """The planner's table: headers in the current language, number formats, totals row."""
    present = []
    for c, h, f in specs:
        if c not in costed:
            continue
        if c.startswith("n_recv_") and c != "n_recv_any" and pd.to_numeric(costed[c], errors="coerce").isna().all():
            continue  # the file has no such flag
        present.append((c, h, f))
    table = pd.DataFrame({h: costed[c].to_numpy() for c, h, _ in present})
    for c, h, _ in present:
        if c == "deprivations":
            table[h] = [", ".join(_dimension_label(x) for x in str(v).split(",") if x.strip()) for v in costed[c].fillna("")]
        elif c == "rt_rw":
            table[h] = [_compact_rt_rw(v) for v in costed[c].fillna("")]
        elif c == "uncosted":
            table[h] = [", ".join(intervention_label(x.strip()) for x in str(v).split(",") if x.strip()) for v in costed[c].fillna("")]
    formats = {h: f for _, h, f in present if f}
    totals: dict[str, object] = {present[0][1]: tr("Jumlah", "Total")} if present else {}
    for c, h, f in present:
        if f in (_FMT_INT, _FMT_RP) and c != "rank":
            totals[h] = int(pd.to_numeric(costed[c], errors="coerce").fillna(0).sum())
        if c == "rate":
            nr = int(costed["n_ranked"].sum()) if "n_ranked" in costed else 0
            totals[h] = (int(costed["n_poor"].sum()) / nr) if nr else None
    return table, formats, totals


def write_pockets_xlsx(
    path: str | Path,
    *,
    result: GeocodeResult,
    pockets: PocketResult,
    costs: pd.DataFrame | None = None,
    allocation: Allocation | None = None,
    overlaps: Overlaps | None = None,
    notes: Mapping[str, object] | None = None,
    lang: str | None = None,
) -> Path:
    """Write pockets.xlsx: the pocket list for budget planning, formatted to read and print.

    Sheets (Bahasa Indonesia by default; English with ``lang="en"``): the pocket list
    (rank, pocket id, kelurahan, RT/RW, households, people, poor, rate, dominant
    deprivations, needs per intervention, estimated cost), the pockets' cost per
    intervention (with the low-high range) and programme receipt (PKH ..., exclusion,
    inclusion), kelurahan and kecamatan summaries, programme receipt per kelurahan,
    the overlap counts, the allocation (when ``allocation`` is given: what is funded, where, its
    cost, the deprivations removed, the total within the budget and the greedy answer's
    total beside it) and notes (poverty definition, method, seed, data date and
    source, unit costs used with their sources, the P3KE comparison note). Aggregates
    only: no NIK, name or address. Bold header, frozen header row, column widths,
    rupiah and percentage formats, A4 landscape, fit to width.

    Parameters
    ----------
    path
        The .xlsx file to write (replaced when it exists; folders are created).
    result
        The geocoded households.
    pockets
        The pockets (best after :func:`apply_priority`, so that the rank is the one of
        pockets.geojson).
    costs
        :func:`load_costs` output; the default table when ``None``.
    allocation
        :func:`allocate` output, for the allocation sheet.
    overlaps
        :func:`overlaps` output (its recipient list also counts as aid received);
        computed from the household flags when ``None``.
    notes
        ``data_date``, ``source`` and any further ``label: text`` lines for the notes
        sheet.
    lang
        ``"id"`` or ``"en"``; the current language when ``None``.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000)
    >>> res = geocode(city.households, city.boundaries)
    >>> pk = apply_priority(detect_pockets(res, replicates=99))
    >>> out = write_pockets_xlsx(pathlib.Path(tempfile.mkdtemp()) / "pockets.xlsx", result=res, pockets=pk)
    >>> import openpyxl
    >>> openpyxl.load_workbook(out).sheetnames[:4]
    ['Kantong', 'Biaya Kantong', 'Bantuan Kantong', 'Kelurahan']
    """
    from openpyxl import Workbook

    path = Path(path)
    with language(lang):
        if costs is None:
            costs = load_costs()
        ov = overlaps if overlaps is not None else _compute_overlaps(result, pockets=pockets)
        rec = ov.recipients
        frames = {}
        for by in ("pocket", "kelurahan", "kecamatan"):
            n = needs(result, pockets, by=by, recipients=rec)
            if by != "pocket":
                n = _with_pocket_counts(n, result, pockets, by=by)
            frames[by] = cost_needs(n, costs)
        wb = Workbook()
        layout = [
            ("pocket", "needs", tr("Kantong", "Pockets")),
            ("pocket", "costs", tr("Biaya Kantong", "Pocket Costs")),
            ("pocket", "aid", tr("Bantuan Kantong", "Pocket Aid")),
            ("kelurahan", "needs", tr("Kelurahan", "Villages")),
            ("kecamatan", "needs", tr("Kecamatan", "Districts")),
            ("kelurahan", "aid", tr("Bantuan Kelurahan", "Village Aid")),
        ]
        wrap = {"RT/RW", tr("Deprivasi Dominan", "Dominant deprivations"), tr("Kelurahan/Desa", "Kelurahan/Village"), tr("Kebutuhan Tanpa Biaya Satuan", "Needs without unit cost")}
        for k, (by, kind, title) in enumerate(layout):
            sheet = wb.active if k == 0 else wb.create_sheet(title)
            sheet.title = title
            table, formats, totals = _build_table(frames[by], _sheet_specs(by, kind))
            start = 1
            if by == "pocket" and len(table) == 0:
                msg = pockets.message or tr("Tidak ada kantong kemiskinan yang ditemukan.", "No poverty pocket was found.")
                sheet.cell(row=1, column=1, value=msg)
                start = 3
            hdr = _write_table(sheet, table, start_row=start, formats=formats, total=totals if len(table) else None, wrap=wrap)
            widths = {j: 20.0 for j, col in enumerate(table.columns, start=1) if col in wrap}
            _finish_sheet(sheet, header_row=hdr, widths=widths, max_width=22.0)
        _overlap_sheet(wb.create_sheet(tr("Tumpang Tindih", "Overlaps")), ov)
        if allocation is not None:
            _allocation_sheet(wb.create_sheet(tr("Alokasi", "Allocation")), allocation)
            _allocation_detail_sheet(wb.create_sheet(tr("Rincian Alokasi", "Allocation Detail")), allocation)
        _costs_sheet(wb.create_sheet(tr("Biaya Satuan", "Unit Costs")), costs)
        _notes_sheet(wb.create_sheet(tr("Catatan", "Notes")), result=result, pockets=pockets, costs=costs, allocation=allocation, overlaps=ov, notes=notes or {})
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    return path


def _with_pocket_counts(n: pd.DataFrame, result: Any, pockets: Any, *, by: str) -> pd.DataFrame:
    """Add ``n_pockets``: distinct pockets with households in each kelurahan / kecamatan."""
    hh = result.households if hasattr(result, "households") else result
    codes, _ = _area_codes(hh, result if hasattr(result, "boundaries") else None, by)
    pcodes, _keys = _pocket_codes(hh, result if hasattr(result, "boundaries") else None, pockets)
    keep = (pcodes >= 0) & (codes >= 0)
    if "is_duplicate" in hh:
        keep &= ~hh["is_duplicate"].to_numpy(dtype=bool)
    pairs = pd.DataFrame({"g": codes[keep], "p": pcodes[keep]}).drop_duplicates()
    counts = pairs.groupby("g").size()
    out = n.copy()
    vals = np.zeros(len(out), dtype=np.int64)
    vals[counts.index.to_numpy()] = counts.to_numpy()
    out["n_pockets"] = vals
    return out


def _overlap_sheet(ws: Any, ov: Overlaps) -> None:
    rows = []
    for _, r in ov.summary.iterrows():
        rows.append(
            {
                tr("Pemeriksaan", "Check"): _check_texts(r["check"])[0],
                tr("Keluarga", "Families"): int(r["families"]) if r["checked"] else None,
                tr("Baris", "Rows"): int(r["rows"]) if r["checked"] else None,
                tr("Keterangan", "Note"): _check_texts(r["check"])[2] if r["checked"] else _not_checked(r["check"]),
            }
        )
    table = pd.DataFrame(rows)
    hdr = _write_table(ws, table, formats={tr("Keluarga", "Families"): _FMT_INT, tr("Baris", "Rows"): _FMT_INT}, wrap=[tr("Pemeriksaan", "Check"), tr("Keterangan", "Note")])
    r = len(table) + 3
    ws.cell(row=r, column=1, value=tr(
        "Hanya jumlah: daftar keluarganya ada di internal/overlaps.xlsx (data pribadi, hanya untuk kantor data).",
        "Counts only: the families are listed in internal/overlaps.xlsx (personal data, for the data office only).",
    ))
    _finish_sheet(ws, header_row=hdr, widths={1: 60.0, 4: 60.0})


def _not_checked(check: str) -> str:
    if check in ("recipient_not_in_register", "recipient_repeated"):
        return tr("Tidak diperiksa: tidak ada daftar penerima tambahan (--recipients).", "Not checked: no extra recipient list (--recipients).")
    if check in ("exclusion", "inclusion"):
        return tr("Tidak diperiksa: data tanpa kolom penerima program (Penerima PKH/BPNT ...).", "Not checked: the data has no programme receipt columns (Penerima PKH/BPNT ...).")
    return tr("Tidak diperiksa: data tanpa NIK atau ID keluarga.", "Not checked: the data has no NIK or family id.")


def _allocation_sheet(ws: Any, a: Allocation) -> None:
    """Summary (optimal beside greedy) and the allocation per intervention."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    g = a.greedy
    method_label = {"milp": tr("Optimal (MILP, scipy/HiGHS)", "Optimal (MILP, scipy/HiGHS)"), "greedy": tr("Greedy (rasio terbaik dulu)", "Greedy (best ratio first)")}
    item, opt, grd = tr("Butir", "Item"), method_label.get(a.method, a.method), tr("Greedy (pembanding)", "Greedy (comparison)")
    rows: list[tuple[str, object, object, str | None]] = [
        (tr("Anggaran", "Budget"), a.budget, a.budget if g is not None else None, _FMT_RP),
        (tr("Total biaya dialokasikan", "Total cost allocated"), a.total_cost, g.total_cost if g is not None else None, _FMT_RP),
        (tr("Sisa anggaran", "Budget left"), a.leftover, g.leftover if g is not None else None, _FMT_RP),
        (tr("Deprivasi teratasi (KK x dimensi)", "Deprivations removed (households x dimensions)"), a.removed, g.removed if g is not None else None, _FMT_INT),
        (tr("Skor tertimbang", "Weighted score"), round(a.score, 3), round(g.score, 3) if g is not None else None, _FMT_DEC),
        (tr("Unit didanai", "Units funded"), int(a.by_intervention["units"].sum()), int(g.by_intervention["units"].sum()) if g is not None else None, _FMT_INT),
        (tr("Status", "Status"), _status_label(a.status), _status_label(g.status) if g is not None else None, None),
    ]
    summary = pd.DataFrame({item: [r[0] for r in rows], opt: [r[1] for r in rows]})
    if g is not None:
        summary[grd] = [r[2] for r in rows]
    _write_table(ws, summary)
    for i, (_, _, _, fmt) in enumerate(rows, start=2):
        ws.cell(row=i, column=1).font = Font(bold=True)
        for j in (2, 3):
            if fmt:
                ws.cell(row=i, column=j).number_format = fmt
    r = len(rows) + 2
    notes = []
    if g is not None:
        notes.append(tr(
            "Selisih optimal − greedy: {d:+,} deprivasi teratasi dengan anggaran yang sama.",
            "Optimal − greedy: {d:+,} deprivations removed for the same budget.",
            d=a.removed - g.removed,
        ))
    if a.message:
        notes.append(a.message)
    notes.append(tr("Bobot per deprivasi: {w}.", "Weight per deprivation: {w}.", w=", ".join(f"{intervention_label(k)} {v:g}" for k, v in a.weights.items())))
    if a.limits:
        notes.append(tr("Batas: {l}.", "Limits: {l}.", l=_limits_text(a.limits)))
    r += 1
    per = a.by_intervention
    gper = g.by_intervention.set_index("intervention") if g is not None else None
    cols = {
        tr("Intervensi", "Intervention"): [intervention_label(i) for i in per["intervention"]],
        tr("Kebutuhan (unit)", "Need (units)"): per["need"].to_numpy(),
        tr("Biaya Satuan (Rp)", "Unit cost (Rp)"): per["unit_cost"].to_numpy(),
        tr("Unit Didanai", "Units funded"): per["units"].to_numpy(),
        tr("Biaya (Rp)", "Cost (Rp)"): per["cost"].to_numpy(),
        tr("Deprivasi Teratasi", "Deprivations removed"): per["removed"].to_numpy(),
    }
    if gper is not None:
        cols[tr("Unit (Greedy)", "Units (greedy)")] = gper.loc[per["intervention"], "units"].to_numpy()
        cols[tr("Biaya (Greedy, Rp)", "Cost (greedy, Rp)")] = gper.loc[per["intervention"], "cost"].to_numpy()
    cols[tr("Keterangan", "Note")] = per["note"].to_numpy()
    table = pd.DataFrame(cols)
    fm = {h: _FMT_INT for h in table.columns if h in (tr("Kebutuhan (unit)", "Need (units)"), tr("Unit Didanai", "Units funded"), tr("Deprivasi Teratasi", "Deprivations removed"), tr("Unit (Greedy)", "Units (greedy)"))}
    fm.update({h: _FMT_RP for h in table.columns if "(Rp)" in h or "Rp)" in h})
    totals: dict[str, object] = {tr("Intervensi", "Intervention"): tr("Jumlah", "Total")}
    for h in table.columns:
        if h in fm and h != tr("Biaya Satuan (Rp)", "Unit cost (Rp)"):
            totals[h] = int(pd.to_numeric(table[h], errors="coerce").fillna(0).sum())
    _write_table(ws, table, start_row=r, formats=fm, total=totals, wrap=[tr("Keterangan", "Note")])
    r += len(table) + 3
    width = len(table.columns)
    for text in notes:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        cell = ws.cell(row=r, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    _finish_sheet(ws, header_row=1, widths={1: 34.0, width: 34.0}, max_width=22.0)
    total_width = sum((ws.column_dimensions[get_column_letter(j)].width or 10.0) for j in range(1, width + 1))
    for row in range(r - len(notes), r):
        text = str(ws.cell(row=row, column=1).value or "")
        ws.row_dimensions[row].height = 12.75 * _wrapped_lines(text, int(total_width) - 4) + 1.5
    ws.freeze_panes = None  # two tables: nothing to freeze


def _status_label(status: str) -> str:
    return {
        "optimal": tr("optimal (terbukti)", "optimal (proven)"),
        "time_limit": tr("berhenti pada batas waktu", "stopped at the time limit"),
        "greedy": tr("greedy", "greedy"),
        "nothing": tr("tidak ada yang didanai", "nothing funded"),
    }.get(status, status)


def _allocation_detail_sheet(ws: Any, a: Allocation) -> None:
    """What is funded, where: one row per pocket and intervention."""
    f = a.funded
    headers = {
        "rank": tr("Peringkat", "Rank"),
        "pocket_id": tr("ID Kantong", "Pocket ID"),
        "kode": tr("Kode Wilayah", "Village code"),
        "kelurahan": tr("Kelurahan/Desa", "Kelurahan/Village"),
        "kecamatan": tr("Kecamatan", "District (kecamatan)"),
        "rt_rw": "RT/RW",
        "row": tr("Baris", "Row"),
        "intervention": tr("Intervensi", "Intervention"),
        "units": tr("Unit", "Units"),
        "unit_cost": tr("Biaya Satuan (Rp)", "Unit cost (Rp)"),
        "cost": tr("Biaya (Rp)", "Cost (Rp)"),
        "removed": tr("Deprivasi Teratasi", "Deprivations removed"),
    }
    cols = [c for c in headers if c in f.columns]
    detail = pd.DataFrame({headers[c]: f[c].to_numpy() for c in cols})
    if len(detail):
        detail[headers["intervention"]] = [intervention_label(i) for i in f["intervention"]]
        if "rt_rw" in f:
            detail["RT/RW"] = [_compact_rt_rw(v) for v in f["rt_rw"].fillna("")]
    fm = {headers["rank"]: _FMT_INT, headers["units"]: _FMT_INT, headers["unit_cost"]: _FMT_RP, headers["cost"]: _FMT_RP, headers["removed"]: _FMT_INT}
    start = 1
    if len(detail) == 0:
        ws.cell(row=1, column=1, value=a.message or tr("Tidak ada yang didanai.", "Nothing is funded."))
        start = 3
    first = headers[cols[0]] if cols else headers["intervention"]
    total = {first: tr("Jumlah", "Total"), headers["units"]: int(f["units"].sum()) if len(f) else 0, headers["cost"]: a.total_cost, headers["removed"]: a.removed}
    wrap = {"RT/RW", headers["kelurahan"]}
    hdr = _write_table(ws, detail, start_row=start, formats=fm, total=total if len(detail) else None, wrap=wrap)
    widths = {j: 22.0 for j, col in enumerate(detail.columns, start=1) if col in wrap}
    _finish_sheet(ws, header_row=hdr, widths=widths, max_width=24.0)


def _limits_text(limits: Mapping[str, Any]) -> str:
    parts = []
    for kind, values in limits.items():
        if kind == "intervention":
            parts += [tr("{i} maks. {v}", "{i} at most {v}", i=intervention_label(k), v=_rp(v)) for k, v in values.items()]
        elif kind == "units":
            parts += [tr("{i} maks. {v:,} unit", "{i} at most {v:,} units", i=intervention_label(k), v=v) for k, v in values.items()]
        elif kind == "pocket":
            vals = set(values.values())
            if len(vals) == 1 and len(values) > 1:
                parts.append(tr("tiap kantong maks. {v}", "each pocket at most {v}", v=_rp(vals.pop())))
            else:
                parts += [tr("{k} maks. {v}", "{k} at most {v}", k=k, v=_rp(v)) for k, v in values.items()]
    return "; ".join(parts)


def _notes_sheet(ws: Any, *, result: Any, pockets: Any, costs: pd.DataFrame, allocation: Allocation | None, overlaps: Overlaps, notes: Mapping[str, object]) -> None:
    from openpyxl.styles import Font

    import kantong

    bold = Font(bold=True)
    poor = getattr(pockets, "poor", "desil <= 1")
    pw = getattr(pockets, "params", {}).get("priority_weights")
    items: list[tuple[str, str]] = [
        (tr("Definisi miskin", "Poverty definition"), tr(
            "{p} (desil kesejahteraan: 1 = 10% termiskin secara nasional; praktik P3KE untuk kemiskinan ekstrem).",
            "{p} (welfare decile: 1 = poorest 10 % nationally; the P3KE practice for extreme poverty).",
            p=poor,
        )),
        (tr("Metode kantong", "Pocket method"), tr(
            "{m}, tingkat {lv}, alpha {a}, {r} replikasi, seed {s}. Kantong = tempat yang persentase keluarga miskinnya nyata lebih tinggi dari wilayah lain.",
            "{m}, {lv} level, alpha {a}, {r} replicates, seed {s}. A pocket is a place where the share of poor households is significantly higher than elsewhere.",
            m=getattr(pockets, "method", ""), lv=getattr(pockets, "level", ""), a=getattr(pockets, "alpha", ""), r=getattr(pockets, "replicates", ""), s=getattr(pockets, "seed", ""),
        )),
        (tr("Peringkat prioritas", "Priority rank"), _priority_note(pw)),
        (tr("Kebutuhan", "Needs"), tr(
            "Keluarga (dan jiwa) yang kekurangan tiap layanan dasar; tiap keluarga dihitung sekali (baris ganda dilewati); isian kosong = tidak diketahui, tidak dihitung. Rumah: satu unit BSPS per keluarga yang kurang lantai, dinding atau atap.",
            "Households (and people) lacking each basic service; each family counts once (duplicate rows skipped); a blank label is unknown and not counted. Housing: one BSPS unit per household lacking floor, wall or roof.",
        )),
        (tr("Exclusion / inclusion", "Exclusion / inclusion"), tr(
            "Exclusion: keluarga miskin yang tercatat tidak menerima program apa pun (PKH, BPNT, BLT, PBI-JK, daftar tambahan). Inclusion: keluarga desil ≥ {d} yang menerima bantuan.",
            "Exclusion: poor households recorded as receiving no programme (PKH, BPNT, BLT, PBI-JK, extra list). Inclusion: households with desil ≥ {d} receiving aid.",
            d=INCLUSION_DESIL,
        )),
        (tr("Biaya", "Costs"), tr(
            "Kebutuhan x biaya satuan (lembar Biaya Satuan: sumber, tahun, catatan). Intervensi tanpa biaya satuan tidak dihitung biayanya; isi lewat --costs. Perkiraan terendah/tertinggi memakai kolom rendah/tinggi bila ada.",
            "Needs x the unit costs (sheet Unit Costs: sources, years, notes). Interventions without a unit cost are not costed; set them with --costs. Low/high estimates use the low/high columns where given.",
        )),
        (tr("Tanggal data", "Data date"), str(notes.get("data_date") or tr("(tidak disebutkan)", "(not given)"))),
        (tr("Sumber data", "Data source"), _source_text(notes, result)),
    ]
    if getattr(pockets, "comparison", ""):
        items.append((tr("Catatan P3KE", "P3KE note"), pockets.comparison))
    if getattr(pockets, "message", ""):
        items.append((tr("Catatan kantong", "Pocket note"), pockets.message))
    if allocation is not None:
        items.append((tr("Alokasi", "Allocation"), tr(
            "Memaksimalkan deprivasi yang teratasi (satu keluarga dihitung sekali per dimensi; bobot dapat diatur) dalam anggaran, dengan pengoptimal eksak (scipy milp / HiGHS); jawaban greedy ditampilkan sebagai pembanding. Di antara jawaban yang sama baiknya, kantong berperingkat lebih tinggi didahulukan.",
            "Maximises the deprivations removed (a household counts once per dimension; weights configurable) within the budget, with an exact optimiser (scipy milp / HiGHS); the greedy answer is shown for comparison. Among equally good answers, better-ranked pockets come first.",
        )))
    for k, v in notes.items():
        if k not in ("data_date", "source") and v not in (None, ""):
            items.append((str(k), str(v)))
    items.append((tr("Dibuat dengan", "Made with"), f"kantong {kantong.__version__}, {date.today().isoformat()}"))
    items.insert(-1, (tr("Biaya satuan", "Unit costs"), "\n".join(_cost_lines(costs))))
    table = pd.DataFrame(items, columns=[tr("Butir", "Item"), tr("Keterangan", "Details")])
    hdr = _write_table(ws, table, wrap=[tr("Butir", "Item"), tr("Keterangan", "Details")])
    _finish_sheet(ws, header_row=hdr, widths={1: 24.0, 2: 110.0})
    for row in ws.iter_rows(min_row=2, max_row=len(table) + 1, min_col=1, max_col=1):
        for cell in row:
            cell.font = bold


def _source_text(notes: Mapping[str, object], result: Any) -> str:
    given = str(notes.get("source") or "").strip()
    file = str(getattr(getattr(result, "source", None), "source", "") or "")
    if file.startswith("<"):  # a frame in memory, not a file
        file = ""
    if given and file and file not in given:
        return tr("{s} (berkas {f})", "{s} (file {f})", s=given, f=file)
    return given or file or tr("(tidak disebutkan)", "(not given)")


def _priority_note(weights: Mapping[str, float] | None) -> str:
    if weights is None:  # the pockets' own rank (detect_pockets), not apply_priority
        return tr(
            "1 = ditangani lebih dulu: menurut kelebihan keluarga miskin (berapa keluarga miskin lebih banyak daripada yang diberikan persentase wilayah lain), terbesar dulu. Sama dengan 'rank' di pockets.geojson.",
            "1 = act first: by excess poor households (how many more poor households than the rest of the area's rate would give), largest first. The same as 'rank' in pockets.geojson.",
        )
    return tr(
        "1 = ditangani lebih dulu. Skor = rata-rata tertimbang dari posisi (persentil) kantong menurut persentase miskin (bobot {r:g}), jumlah keluarga miskin ({s:g}) dan keparahan deprivasi, yaitu rata-rata porsi keluarga yang kekurangan tiap layanan dasar ({v:g}). Sama dengan 'rank' di pockets.geojson.",
        "1 = act first. Score = weighted mean of each pocket's percentile on poverty rate (weight {r:g}), number of poor households ({s:g}) and severity of deprivation, the mean share of households lacking each basic service ({v:g}). The same as 'rank' in pockets.geojson.",
        r=weights["rate"],
        s=weights["size"],
        v=weights["severity"],
    )


def _cost_lines(costs: pd.DataFrame) -> list[str]:
    lines = []
    for _, c in costs.iterrows():
        name = intervention_label(_INTERVENTION_LOOKUP.get(label_key(c["intervention"]), str(c["intervention"])))
        if pd.isna(c["unit_cost"]):
            lines.append(tr("{n}: tidak ada nilai bawaan (tidak ada sumber) — isi sendiri dengan --costs", "{n}: no default (no source found) — set it with --costs", n=name))
            continue
        text = f"{name}: {_rp(c['unit_cost'])}"
        lo, hi = c.get("low", pd.NA), c.get("high", pd.NA)
        if not pd.isna(lo) or not pd.isna(hi):
            text += tr(" (rentang {a}–{b})", " (range {a}–{b})", a=_rp(lo) if not pd.isna(lo) else "?", b=_rp(hi) if not pd.isna(hi) else "?")
        src = str(c.get("source", "") or "")
        year = str(c.get("year", "") or "")
        if src:
            text += f" — {src}" + (f" ({year})" if year and year not in src else "")
        lines.append(text)
    return lines


def _costs_sheet(ws: Any, costs: pd.DataFrame) -> None:
    """The unit-cost table used, with sources, years and notes."""
    note_col = "note_en" if tr("id", "en") == "en" else "note_id"
    names = [_INTERVENTION_LOOKUP.get(label_key(i), str(i)) for i in costs["intervention"]]
    ct = pd.DataFrame(
        {
            tr("Intervensi", "Intervention"): [intervention_label(i) for i in names],
            tr("Biaya Satuan (Rp)", "Unit cost (Rp)"): costs["unit_cost"].to_numpy(),
            tr("Rendah (Rp)", "Low (Rp)"): costs["low"].to_numpy() if "low" in costs else None,
            tr("Tinggi (Rp)", "High (Rp)"): costs["high"].to_numpy() if "high" in costs else None,
            tr("Sumber", "Source"): costs["source"].to_numpy() if "source" in costs else "",
            tr("Tahun", "Year"): costs["year"].to_numpy() if "year" in costs else "",
            tr("Catatan", "Note"): [
                (n or tr("tidak ada nilai bawaan: isi sendiri", "no default: set it")) if pd.isna(u) else n
                for n, u in zip(costs[note_col] if note_col in costs else [""] * len(costs), costs["unit_cost"])
            ],
            tr("Asal", "Origin"): [tr("bawaan kantong", "kantong default") if o == "default" else o for o in (costs["origin"] if "origin" in costs else ["" for _ in names])],
        }
    )
    rp = {tr("Biaya Satuan (Rp)", "Unit cost (Rp)"): _FMT_RP, tr("Rendah (Rp)", "Low (Rp)"): _FMT_RP, tr("Tinggi (Rp)", "High (Rp)"): _FMT_RP}
    wrap = [tr("Sumber", "Source"), tr("Catatan", "Note")]
    hdr = _write_table(ws, ct, formats=rp, wrap=wrap)
    _finish_sheet(ws, header_row=hdr, widths={5: 48.0, 7: 60.0})


def write_overlaps_xlsx(path: str | Path, overlaps: Overlaps, *, lang: str | None = None) -> Path:
    """Write internal/overlaps.xlsx: the overlap findings with the families they name.

    Personal data (NIK, names, addresses): for the data office only, never shared.
    A summary sheet, then one sheet per check; NIK and ids stay text.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, openpyxl
    >>> hh = pd.DataFrame({"household_id": ["A", "A"], "nik": ["1" * 16, "2" * 16]})
    >>> out = write_overlaps_xlsx(pathlib.Path(tempfile.mkdtemp()) / "overlaps.xlsx", overlaps(hh))
    >>> openpyxl.load_workbook(out).sheetnames[:2]
    ['Ringkasan', 'Keluarga Ganda']
    """
    from openpyxl import Workbook

    path = Path(path)
    with language(lang):
        wb = Workbook()
        ws = wb.active
        ws.title = tr("Ringkasan", "Summary")
        _overlap_sheet(ws, overlaps)
        ws.cell(row=len(overlaps.summary) + 3, column=1, value=tr(
            "DATA PRIBADI: hanya untuk kantor data; jangan dibagikan.",
            "PERSONAL DATA: for the data office only; do not share.",
        ))
        headers = {
            "row": tr("Baris", "Row"),
            "family": tr("Keluarga (baris asli)", "Family (original row)"),
            "match": tr("Kecocokan", "Match"),
            "household_id": tr("ID Keluarga", "Family ID"),
            "nik": "NIK",
            "head_name": tr("Nama Kepala Keluarga", "Head of household"),
            "address": tr("Alamat", "Address"),
            "kelurahan": tr("Kelurahan/Desa", "Kelurahan/Village"),
            "kecamatan": tr("Kecamatan", "District (kecamatan)"),
            "rt": "RT",
            "rw": "RW",
            "kode": tr("Kode Wilayah", "Village code"),
            "desil": "Desil",
            "pocket_id": tr("ID Kantong", "Pocket ID"),
            "programmes": tr("Program Diterima", "Programmes received"),
            "programme": tr("Program", "Programme"),
        }
        for check in CHECKS:
            frame = overlaps.families.get(check)
            if frame is None:
                continue
            sheet = wb.create_sheet(_check_texts(check)[1])
            cols = [c for c in ("family", "row", "match", "household_id", "nik", "head_name", "address", "kelurahan", "kecamatan", "rt", "rw", "kode", "desil", "pocket_id", "programmes", "programme") if c in frame.columns]
            table = pd.DataFrame({headers[c]: frame[c].to_numpy() for c in cols})
            text = {headers[c]: _FMT_TEXT for c in ("household_id", "nik", "rt", "rw", "kode") if c in cols}
            if len(table) == 0:
                sheet.cell(row=1, column=1, value=tr("Tidak ada temuan.", "No findings."))
                _finish_sheet(sheet, header_row=1)
                continue
            hdr = _write_table(sheet, table, formats=text)
            _finish_sheet(sheet, header_row=hdr)
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    return path
