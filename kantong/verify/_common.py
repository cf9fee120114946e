"""What the forms and the returns share: the findings, the columns, the run and its id.

One vocabulary for the printed workbook, the XLSForm and the reader of the returns,
so a label written on a form is always read back as the same finding.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kantong._errors import InputError
from kantong._i18n import tr
from kantong._normalize import label_key
from kantong._validate import require_file
from kantong._vocab import DEFAULT_POOR

#: version of the form layout; a return of another version is refused
FORM_VERSION = "kantong-verifikasi-1"

#: the findings, in the order of the drop-down list (codes as the XLSForm stores them)
FINDINGS: tuple[str, ...] = ("ditemukan", "pindah", "meninggal", "tidak_miskin", "tidak_diketahui")
#: verify_status of a family the register misses, added from a return
NEW = "baru"
#: findings after which the family no longer lives at the registered place
GONE: tuple[str, ...] = ("pindah", "meninggal")

#: name of the hidden metadata sheet of a printed workbook
META_SHEET = "_kantong"
#: name of the data sheet of a printed workbook
DATA_SHEET = "verifikasi"


def finding_label(code: str) -> str:
    """A finding as the field team reads it, in the current language.

    Examples
    --------
    >>> finding_label("tidak_miskin")
    'tidak miskin'
    """
    labels = {
        "ditemukan": tr("ditemukan", "found"),
        "pindah": tr("pindah", "moved"),
        "meninggal": tr("meninggal", "died"),
        "tidak_miskin": tr("tidak miskin", "not poor"),
        "tidak_diketahui": tr("tidak diketahui", "unknown"),
        NEW: tr("keluarga baru", "new family"),
    }
    return labels.get(code, code)


#: every way a finding may be written back (both languages, codes, common variants)
_FINDING_WORDS: dict[str, str] = {
    **{label_key(c): c for c in FINDINGS},
    "ditemukan": "ditemukan", "ada": "ditemukan", "found": "ditemukan", "ok": "ditemukan",
    "pindah": "pindah", "moved": "pindah", "pindahalamat": "pindah",
    "meninggal": "meninggal", "meninggaldunia": "meninggal", "died": "meninggal", "dead": "meninggal", "deceased": "meninggal",
    "tidakmiskin": "tidak_miskin", "notpoor": "tidak_miskin", "mampu": "tidak_miskin",
    "tidakdiketahui": "tidak_diketahui", "unknown": "tidak_diketahui", "tidakditemukan": "tidak_diketahui",
    "baru": NEW, "keluargabaru": NEW, "new": NEW, "newfamily": NEW,
}


def parse_finding(value: object) -> str | None:
    """The finding code of a written label, ``""`` for a blank, None when not in the list.

    Examples
    --------
    >>> parse_finding("Tidak Miskin"), parse_finding(" found "), parse_finding(""), parse_finding("entah")
    ('tidak_miskin', 'ditemukan', '', None)
    """
    text = "" if value is None else str(value).strip()
    if text == "" or text.lower() == "nan":
        return ""
    return _FINDING_WORDS.get(label_key(text))


# --------------------------------------------------------------------------------------
# the columns of a printed form: key -> (Bahasa header, English header)
# --------------------------------------------------------------------------------------

FORM_COLUMNS: dict[str, tuple[str, str]] = {
    "no": ("No.", "No."),
    "rw": ("RW", "RW"),
    "rt": ("RT", "RT"),
    "household_id": ("ID Keluarga", "Household ID"),
    "head_name": ("Nama Kepala Keluarga", "Head of household"),
    "address": ("Alamat", "Address"),
    "desil": ("Desil", "Decile"),
    "deprivations": ("Kekurangan (register)", "Deprivations (register)"),
    "aid": ("Bantuan diterima", "Aid received"),
    "finding": ("Temuan", "Finding"),
    "new_address": ("Alamat baru/koreksi", "Corrected address"),
    "lat": ("Lintang (GPS)", "Latitude (GPS)"),
    "lon": ("Bujur (GPS)", "Longitude (GPS)"),
    "date": ("Tanggal kunjungan", "Visit date"),
    "remarks": ("Keterangan", "Remarks"),
}
#: the columns the field team fills in
FINDING_COLUMNS: tuple[str, ...] = ("finding", "new_address", "lat", "lon", "date", "remarks")

#: extra header spellings a returned workbook may use (after :func:`header_key`)
_HEADER_EXTRA: dict[str, str] = {
    "id": "household_id", "idkeluargap3ke": "household_id", "idrumahtangga": "household_id",
    "nama": "head_name", "namakk": "head_name", "kepalakeluarga": "head_name", "name": "head_name",
    "hasil": "finding", "temuanlapangan": "finding", "status": "finding", "hasilverifikasi": "finding",
    "alamatbaru": "new_address", "alamatkoreksi": "new_address", "koreksialamat": "new_address", "newaddress": "new_address",
    "lintang": "lat", "latitude": "lat", "lat": "lat", "bujur": "lon", "longitude": "lon", "lon": "lon", "lng": "lon",
    "tanggal": "date", "date": "date", "tgl": "date", "tglkunjungan": "date",
    "catatan": "remarks", "keterangan": "remarks", "remarks": "remarks", "notes": "remarks",
    "nomor": "no", "no": "no",
}


def header_key(name: object) -> str:
    """A header reduced to letters and digits (case, spaces, punctuation, brackets ignored)."""
    return label_key(name)


def column_of_header(name: object) -> str | None:
    """The form column a (possibly renamed or re-cased) header stands for, or None.

    Examples
    --------
    >>> column_of_header("TEMUAN"), column_of_header("Visit date"), column_of_header("x")
    ('finding', 'date', None)
    """
    key = header_key(name)
    if not key:
        return None
    for col, labels in FORM_COLUMNS.items():
        if key in (header_key(labels[0]), header_key(labels[1])):
            return col
    return _HEADER_EXTRA.get(key)


# --------------------------------------------------------------------------------------
# the run directory
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunData:
    """A run directory as verification needs it.

    Attributes
    ----------
    path
        The run directory.
    run_id
        First 16 hex digits of the SHA-256 of ``internal/households.csv``.
    raw
        ``internal/households.csv`` as text, in file order (index ``0..n-1``).
    data
        Its canonical typed view (:class:`kantong.HouseholdFile` ``data``).
    columns
        Canonical name -> header of ``raw``.
    villages
        ``kelurahan.geojson``: ``kode``, ``kelurahan``, ``kecamatan``, geometry.
    """

    path: Path
    run_id: str
    raw: pd.DataFrame
    data: pd.DataFrame
    columns: dict[str, str]
    villages: pd.DataFrame

    @property
    def households_csv(self) -> Path:
        return self.path / "internal" / "households.csv"

    def ids(self) -> np.ndarray:
        """The household id of every row (text, ``""`` when missing)."""
        if "household_id" not in self.data:
            return np.full(len(self.raw), "", dtype=object)
        return self.data["household_id"].fillna("").astype(str).to_numpy()

    def first_rows(self) -> np.ndarray:
        """Rows that are not a duplicate of an earlier one (``duplicate_of`` empty)."""
        dup = self.raw["duplicate_of"] if "duplicate_of" in self.raw else pd.Series("", index=self.raw.index)
        return dup.fillna("").astype(str).to_numpy() == ""

    def village_name(self, kode: str) -> str:
        hit = self.villages.loc[self.villages["kode"] == kode, "kelurahan"]
        return str(hit.iloc[0]) if len(hit) else kode


def file_hash(path: Path, n: int = 16) -> str:
    """First ``n`` hex digits of the SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:n]


def load_run(run_dir: str | Path) -> RunData:
    """Read a run directory written by ``kantong run`` (``internal/households.csv`` and
    ``kelurahan.geojson``).

    Raises
    ------
    InputError
        When the folder is not a run directory.
    """
    import geopandas as gpd

    from kantong import read_households

    run = Path(run_dir)
    hint = tr("beri folder hasil `kantong run` (berisi internal/households.csv)",
              "give a folder written by `kantong run` (holding internal/households.csv)")
    csv = require_file(run / "internal" / "households.csv", missing=tr("bukan folder hasil kantong run", "not a kantong run folder"), hint=hint)
    vil = require_file(run / "kelurahan.geojson", missing=tr("bukan folder hasil kantong run", "not a kantong run folder"), hint=hint)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the run has reported its input's problems already
        hf = read_households(csv)
    if "pocket_id" not in hf.raw or "kode" not in hf.raw:
        raise InputError(tr("berkas tanpa kolom kode/pocket_id", "file without kode/pocket_id columns"), path=csv, hint=hint)
    villages = gpd.read_file(vil, engine="pyogrio")
    villages["kode"] = villages["kode"].fillna("").astype(str)
    return RunData(path=run, run_id=file_hash(csv), raw=hf.raw, data=hf.data, columns=dict(hf.columns), villages=villages)


def poor_rows(run: RunData, poor: str = DEFAULT_POOR) -> np.ndarray:
    """Which rows of the run are poor by ``poor`` (False where unknown)."""
    from kantong import poor_mask

    return poor_mask(run.data, poor).fillna(False).to_numpy(dtype=bool)


_UNSAFE = re.compile(r"[^0-9A-Za-z._ -]+")


def safe_name(name: str, *, fallback: str = "kelurahan") -> str:
    """A file name from a village name: accents dropped, separators and control
    characters removed, never hidden, never empty.

    Examples
    --------
    >>> safe_name("Langkai"), safe_name("../Pahandut/Seberang"), safe_name("..")
    ('Langkai', 'Pahandut_Seberang', 'kelurahan')
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = _UNSAFE.sub("_", text).strip(" ._-")
    text = re.sub(r"_+", "_", text)[:80]
    return text or fallback
