"""Unit costs: the table of rupiah per unit of each intervention, and budgets.

:func:`load_costs` reads kantong's default (``data/unit_costs.csv``, every figure with
its source and year) with the user's CSV or YAML over it; :func:`parse_budget` turns
``"5.000.000.000"`` or ``"5 miliar"`` into rupiah.
"""

from __future__ import annotations

import csv
import functools
import io as _io
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from kantong._errors import InputError, OptionError
from kantong._i18n import fmt_rp, tr
from kantong._normalize import header_key, label_key
from kantong._validate import require_file
from kantong._vocab import INTERVENTIONS

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
    "eligible": ("eligible", "eligibility", "kelayakan", "syarat", "syaratpenerima", "kriteria", "kriteriapenerima", "sasaran"),
}


_MIN_UNIT_COST = 1_000

_COST_FRAME_COLUMNS = ("intervention", "unit_cost", "low", "high", "source", "year", "url", "note_id", "note_en", "origin", "eligible")


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
        blank ``unit_cost`` removes the figure. An ``eligible`` column (CSV; also
        ``syarat``, ``kriteria``, ``sasaran``) or key (YAML: ``water: {unit_cost:
        3000000, eligible: "desil <= 2"}``) sets who is eligible for the intervention
        (a pandas expression over the household columns, or ``all``; blank: the
        default of :data:`kantong.measures.DEFAULT_RULES`).

    Returns
    -------
    pandas.DataFrame
        One row per intervention of :data:`INTERVENTIONS`: ``intervention``,
        ``unit_cost`` (Int64, NA when none), ``low``, ``high`` (Int64, NA when not
        given), ``source``, ``year``, ``url``, ``note_id``, ``note_en``, ``origin``
        (``"default"`` or the file name), ``eligible`` (the rule, ``""`` for the default).

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
    for col in ("source", "year", "url", "note_id", "note_en", "origin", "eligible"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame


def with_eligibility(costs: pd.DataFrame, rules: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """The cost table with every intervention's eligibility rule filled in (a new frame):
    ``rules`` (``--eligible``) over the table's own ``eligible`` column over the
    documented defaults (:data:`kantong.measures.DEFAULT_RULES`). Needs priced with it
    count only eligible households (:func:`kantong.plan.write_pockets_xlsx`).

    >>> with_eligibility(load_costs(), {"water": "desil <= 2"}).set_index("intervention")["eligible"].to_dict()["water"]
    'desil <= 2'
    """
    from kantong.measures import resolve_rules

    used = resolve_rules({**eligibility_rules(costs), **dict(rules or {})})
    out = costs.copy()
    out["eligible"] = [used.get(intervention_key(i), "") for i in out["intervention"]]
    return out


def eligibility_rules(costs: pd.DataFrame | None) -> dict[str, str]:
    """The eligibility rules the unit-cost table sets (its ``eligible`` column), by
    intervention; interventions without one are left out (their default applies).

    >>> eligibility_rules(load_costs())
    {}
    """
    if costs is None or "eligible" not in costs:
        return {}
    out = {}
    for name, rule in zip(costs["intervention"].tolist(), costs["eligible"].tolist()):
        if isinstance(rule, str) and rule.strip():
            out[intervention_key(name)] = rule.strip()
    return out


def _empty_cost(name: str) -> dict[str, Any]:
    return {"intervention": name, "unit_cost": None, "low": None, "high": None, "source": "", "year": "", "url": "", "note_id": "", "note_en": "", "origin": "default", "eligible": ""}


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
        rec: dict[str, object] = {canon: (r[pos].strip() if pos < len(r) else "") for canon, pos in colmap.items()}
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
        hint=tr("kunci yang dikenal: intervention, unit_cost, low, high, source, year, url, note, eligible", "known keys: intervention, unit_cost, low, high, source, year, url, note, eligible"),
    )


def _header_of(headers: Mapping[str, object], canon: str) -> str:
    """The header the user wrote for a canonical cost column (for messages)."""
    return str(headers.get(canon, canon))


def _cost_records(rows: list[tuple[str, dict[str, object]]], *, source: str, origin: str) -> dict[str, dict[str, Any]]:
    """Validate parsed rows: known interventions, once each, amounts > 0, low <= high."""
    table: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for where, rec in rows:
        headers = rec.get("_columns", {})
        col = functools.partial(_header_of, headers if isinstance(headers, dict) else {})
        name = _record_intervention(rec, where=where, col=col, source=source)
        if name in seen:
            raise InputError(
                tr("{w}: intervensi '{n}' sudah ada di {p}", "{w}: intervention '{n}' already given in {p}", w=where, n=name, p=seen[name]),
                path=source,
                hint=tr("tulis satu baris per intervensi", "give one row per intervention"),
            )
        seen[name] = where
        amounts = {key: _record_amount(rec, key, where=where, col=col, source=source) for key in ("unit_cost", "low", "high")}
        lo, hi = amounts["low"], amounts["high"]
        if lo is not None and hi is not None and lo > hi:
            raise InputError(
                tr("{w}: biaya rendah ({a}) lebih besar dari biaya tinggi ({b})", "{w}: low cost ({a}) is above high cost ({b})", w=where, a=fmt_rp(lo), b=fmt_rp(hi)),
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
            "eligible": str(rec.get("eligible") or "").strip(),
        }
    return table


def _record_intervention(rec: Mapping[str, object], *, where: str, col: Callable[[str], str], source: str) -> str:
    """The canonical intervention of one cost record (InputError when blank or unknown)."""
    valid = ", ".join(INTERVENTIONS)
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
    return name


def _record_amount(rec: Mapping[str, object], key: str, *, where: str, col: Callable[[str], str], source: str) -> int | None:
    """One amount of a cost record: ``None`` when blank, else at least :data:`_MIN_UNIT_COST`."""
    try:
        amount = _parse_amount(rec.get(key))
    except ValueError:
        raise InputError(
            tr("{w}, kolom '{c}': '{v}' bukan angka rupiah", "{w}, column '{c}': '{v}' is not an amount in rupiah", w=where, c=col(key), v=rec.get(key)),
            path=source,
            hint=tr("tulis rupiah per unit, misalnya 20000000, 20.000.000 atau 20 juta", "write rupiah per unit, e.g. 20000000, 20,000,000 or 20 juta"),
        ) from None
    if amount is not None and amount <= 0:
        raise InputError(
            tr("{w}, kolom '{c}': biaya harus lebih dari nol, bukan '{v}'", "{w}, column '{c}': the cost must be more than zero, not '{v}'", w=where, c=col(key), v=rec.get(key)),
            path=source,
            hint=tr("kosongkan sel bila belum ada biayanya", "leave the cell blank when there is no figure"),
        )
    if amount is not None and amount < _MIN_UNIT_COST:
        raise InputError(
            tr("{w}, kolom '{c}': '{v}' terlalu kecil untuk biaya satuan dalam rupiah", "{w}, column '{c}': '{v}' is too small for a unit cost in rupiah", w=where, c=col(key), v=rec.get(key)),
            path=source,
            hint=tr("tulis rupiah penuh (5800000) atau dengan satuan ('5,8 juta')", "write full rupiah (5800000) or with a unit ('5,8 juta')"),
        )
    return amount


def intervention_key(name: object) -> str:
    """The canonical name of an intervention written in any accepted form (else as is).

    >>> intervention_key("Air Minum"), intervention_key("jamban"), intervention_key("x")
    ('water', 'sanitation', 'x')
    """
    return _INTERVENTION_LOOKUP.get(label_key(name), str(name))


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
        key = intervention_key(name)
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            continue
        if float(value) <= 0:
            raise OptionError(tr("biaya satuan {n} harus lebih dari nol", "the unit cost of {n} must be more than zero", n=name))
        out[key] = int(value)
    return out
