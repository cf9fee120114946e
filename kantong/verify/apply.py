"""``kantong verify``: apply the returned findings to a run and re-run the pockets.

The corrected household file is written beside the original, never over it:
``DIR/internal/households_verified.csv`` holds every row of the run's
``internal/households.csv`` with ``verify_status``, ``verify_source`` and
``verify_date``, corrected addresses and positions, and the families the register
missed as new rows. Every change is a row of ``DIR/internal/audit.csv``. The pockets are
then found again on the corrected file (DIR becomes a run directory of it, so
``kantong compare RUN DIR`` works), and :mod:`kantong.verify.report` says what changed.

Idempotent: the output is a function of the run and of the distinct returns. A file
given twice is used once (file fingerprint); a return met again in another file (the
same Kobo submission in two exports, the same filled row in a copy) is applied once
(return fingerprint: ``_uuid``, else the row's content).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from kantong._errors import InputError
from kantong._i18n import language, tr
from kantong.pockets.options import DetectOptions
from kantong.verify._common import GONE, NEW, RunData, file_hash, load_run
from kantong.verify.checks import check_file, check_rows, resolve
from kantong.verify.returns import RETURN_COLUMNS, Issue, ReturnFile, read_return

__all__ = ["VerifyOptions", "VerifyResult", "apply_returns", "AUDIT_COLUMNS", "VERIFY_COLUMNS"]

VERIFY_COLUMNS: tuple[str, ...] = ("verify_status", "verify_source", "verify_date")
AUDIT_COLUMNS: tuple[str, ...] = ("file", "row", "officer", "household_id", "field", "old", "new", "date", "fingerprint")


@dataclass(frozen=True)
class VerifyOptions(DetectOptions):
    """How the pockets are found again: the run's :class:`kantong.DetectOptions` (pass the
    same), plus replicates, whether to draw the maps, and the language of the report."""

    replicates: int = 999
    maps: bool = False
    lang: str | None = None


@dataclass
class VerifyResult:
    """What :func:`apply_returns` did.

    Attributes
    ----------
    verified
        The corrected household table (``households_verified.csv``).
    applied
        The return rows applied, one per household or new family.
    issues
        Every problem met, with its file and row (``applied`` says whether the row was
        still used).
    audit
        One row per change (:data:`AUDIT_COLUMNS`).
    changes
        Per pocket, before and after verification (``status``: confirmed, shrunk,
        dropped, new).
    coverage
        Per kelurahan: households checked, share confirmed (no names).
    run
        The :class:`kantong.RunResult` of the re-run (None when nothing was applied).
    files
        The files written.
    """

    verified: pd.DataFrame
    applied: pd.DataFrame
    issues: pd.DataFrame
    audit: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    run: Any = None
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lang: str | None = None

    def summary(self) -> pd.DataFrame:
        """What verification counted (households found, moved, not poor, positions
        corrected, ...), one row per figure (``figure``, ``value``)."""
        return pd.DataFrame(sorted(self.counts.items()), columns=["figure", "value"])

    def report(self) -> str:
        """What verification changed, in a few lines (in the language of the options,
        else the current one)."""
        from kantong.verify.report import report_text

        with language(self.lang):
            return report_text(self)

    def __repr__(self) -> str:
        return f"<VerifyResult: {self.report().splitlines()[0] if self.counts else ''}>"


# --------------------------------------------------------------------------------------
# reading and checking every file
# --------------------------------------------------------------------------------------


def collect(run: RunData, returned: Sequence[str | Path]) -> tuple[pd.DataFrame, list[ReturnFile]]:
    """Read and check every returned file; the rows to apply (one per household) and the files."""
    seen: dict[str, str] = {}
    files: list[ReturnFile] = []
    parts = []
    paths = [Path(p) for p in returned]
    where: dict[str, set[Path]] = {}
    for p in paths:
        where.setdefault(p.name, set()).add(p.resolve())
    for p in paths:
        label = str(p) if len(where[p.name]) > 1 else p.name
        fp = file_hash(p) if p.is_file() else ""
        if not p.is_file() or fp in seen:
            ret = ReturnFile(path=p, kind="?", fingerprint=fp, label=label)
            if fp:
                ret.issue(0, "same_file", tr("berkas yang sama dengan {f}: dipakai sekali saja", "the same file as {f}: used once only", f=seen[fp]))
            else:
                ret.issue(0, "missing", tr("berkas tidak ditemukan", "file not found"))
            files.append(ret)
            continue
        seen[fp] = label
        ret = read_return(p, fp, label=label)
        files.append(ret)
        if check_file(ret, run):
            parts.append(check_rows(ret, run))
    by_name = {f.name: f for f in files}
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(RETURN_COLUMNS))
    return resolve(rows, by_name), files


def issues_frame(files: list[ReturnFile]) -> pd.DataFrame:
    recs = [i.__dict__ for f in files for i in f.issues]
    return pd.DataFrame(recs, columns=list(Issue.__dataclass_fields__)).sort_values(["file", "row"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# applying to the household table
# --------------------------------------------------------------------------------------


def _fmt_coord(x: float) -> str:
    return f"{x:.6f}"


class _Editor:
    """The corrected household table and its audit trail, built together."""

    def __init__(self, run: RunData) -> None:
        self.run = run
        self.table = run.raw.copy()
        for col in VERIFY_COLUMNS:
            self.table[col] = ""
        self.audit: list[dict[str, Any]] = []
        self.rows_of: dict[str, list[int]] = {}
        self.ids = [str(i) for i in run.ids()]
        dup = self.table["duplicate_of"].fillna("").astype(str).to_numpy() if "duplicate_of" in self.table else np.full(len(self.table), "")
        for i, (hid, d) in enumerate(zip(run.ids(), dup)):
            for key in {hid, d} - {""}:
                self.rows_of.setdefault(key, []).append(i)
        self.lat_col = run.columns.get("lat", "Latitude")
        self.lon_col = run.columns.get("lon", "Longitude")
        for col in (self.lat_col, self.lon_col):
            if col not in self.table:
                self.table[col] = ""

    def set(self, rows: list[int], col: str, value: str, r: dict[str, Any], hid: str) -> None:
        for i in rows:
            old = str(self.table.at[i, col]) if col in self.table else ""
            if old == value:
                continue
            self.table.at[i, col] = value
            if col not in ("verify_source", "verify_date"):  # each changed row under its own id (a duplicate's may differ)
                own = self.ids[i] if i < len(self.ids) and self.ids[i] else hid
                self.audit.append({"file": r["file"], "row": int(r["row"]), "officer": r["officer"], "household_id": own, "field": col,
                                   "old": old, "new": value, "date": r["date"], "fingerprint": r["fingerprint"]})

    def check(self, r: dict[str, Any]) -> bool:
        """Apply a finding on a listed household; True when its position was corrected."""
        hid = r["household_id"]
        rows = self.rows_of.get(hid, [])
        self.set(rows, "verify_status", r["finding"], r, hid)
        self.set(rows, "verify_source", f"{r['file']}:{r['row']}", r, hid)
        self.set(rows, "verify_date", r["date"], r, hid)
        addr = self.run.columns.get("address")
        if r["new_address"] and addr:
            self.set(rows, addr, r["new_address"], r, hid)
        if math.isfinite(r["lat"]):
            before = len(self.audit)
            self.set(rows, self.lat_col, _fmt_coord(r["lat"]), r, hid)
            self.set(rows, self.lon_col, _fmt_coord(r["lon"]), r, hid)
            return len(self.audit) > before
        return False

    def add(self, r: dict[str, Any]) -> str:
        """Add a family the register misses as a new row; returns its new id."""
        c = self.run.columns
        hid = f"BARU-{r['kode'].replace('.', '')}-{r['fingerprint'][:8]}"
        values = {c.get("household_id", "household_id"): hid, c.get("head_name", "head_name"): r["head_name"],
                  c.get("address", "address"): r["address"], c.get("rt", "rt"): r["rt"], c.get("rw", "rw"): r["rw"],
                  c.get("kelurahan", "kelurahan"): self.run.village_name(r["kode"]), c.get("kode_wilayah", "kode_wilayah"): r["kode"],
                  c.get("members", "members"): r["members"], "verify_status": NEW, "verify_source": f"{r['file']}:{r['row']}",
                  "verify_date": r["date"]}
        if math.isfinite(r["lat"]):
            values[self.lat_col], values[self.lon_col] = _fmt_coord(r["lat"]), _fmt_coord(r["lon"])
        row = {col: "" for col in self.table.columns} | {k: ("" if v is None else str(v)) for k, v in values.items()}
        self.table = pd.concat([self.table, pd.DataFrame([row], columns=list(dict.fromkeys([*self.table.columns, *row])))], ignore_index=True)
        self.rows_of[hid] = [len(self.table) - 1]
        self.audit.append({"file": r["file"], "row": int(r["row"]), "officer": r["officer"], "household_id": hid, "field": "row_added",
                           "old": "", "new": r["head_name"], "date": r["date"], "fingerprint": r["fingerprint"]})
        return hid


def apply_rows(run: RunData, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The corrected table, the audit trail and the number of positions corrected."""
    ed = _Editor(run)
    moved = 0
    for r in rows.to_dict("records"):
        if r["finding"] == NEW:
            ed.add(r)
        else:
            moved += int(ed.check(r))
    table = ed.table.fillna("")
    return table, pd.DataFrame(ed.audit, columns=list(AUDIT_COLUMNS)), moved


# --------------------------------------------------------------------------------------
# the re-run
# --------------------------------------------------------------------------------------


def verified_poor(households: pd.DataFrame, status: np.ndarray, poor: str) -> tuple[pd.Series, np.ndarray]:
    """Who is poor after verification, and the rows gone from where the register puts them.

    Poor by the register's definition, except ``tidak_miskin`` (not poor) and new
    families (poor); households that moved away without a new position or died are
    gone: they count in no rate and in no pocket.
    """
    from kantong import poor_mask

    base = poor_mask(households, poor)
    has_pos = np.isfinite(households["lat"].to_numpy(dtype="float64", na_value=np.nan))
    gone = np.isin(status, GONE) & ~((status == "pindah") & has_pos & _moved(households))
    value = base.copy()
    value[status == "tidak_miskin"] = False
    value[status == NEW] = True
    value[gone] = pd.NA
    return value.astype("boolean"), gone


def _moved(households: pd.DataFrame) -> np.ndarray:
    """Rows whose position came from the return (``verify_moved`` set by :func:`rerun`)."""
    if "verify_moved" in households:
        return households["verify_moved"].to_numpy(dtype=bool)
    return np.zeros(len(households), dtype=bool)


def rerun(verified_csv: Path, boundaries: Path, out: Path, options: VerifyOptions, moved_ids: set[str]) -> Any:
    """Find the pockets again on the corrected file and write ``out`` as a run directory."""
    from kantong import pipeline
    from kantong.pockets import ScanOptions

    geocoded = pipeline.load(verified_csv, boundaries)
    hh = geocoded.households.copy()
    status = geocoded.source.raw["verify_status"].fillna("").astype(str).to_numpy()
    ids = hh["household_id"].fillna("").astype(str).to_numpy() if "household_id" in hh else np.full(len(hh), "")
    hh["verify_moved"] = np.isin(ids, list(moved_ids))
    poor, gone = verified_poor(hh, status, options.poor)
    hh["verify_poor"] = poor
    ok = poor.notna().to_numpy()
    hh["desil_status"] = np.where(ok, "ok", np.where(gone, "gone", hh["desil_status"].to_numpy()))
    opts = pipeline.RunOptions(
        detect=pipeline.DetectOptions(poor="verify_poor", method=options.method, seed=options.seed, alpha=options.alpha,
                                      scan=ScanOptions(replicates=options.replicates)),
        output=pipeline.OutputOptions(maps=options.maps, source=tr("register terverifikasi", "verified register")),
    )
    res = pipeline.analyse(replace(geocoded, households=hh), opts)  # as kantong run computes it
    pipeline.write(res, out)
    return res


def _boundaries(run: RunData, boundaries: str | Path | None) -> Path:
    if boundaries is None:
        return run.path / "kelurahan.geojson"
    path = Path(boundaries)
    if not path.exists():
        raise InputError(tr("berkas batas wilayah tidak ditemukan", "boundary file not found"), path=path,
                         hint=tr("beri berkas batas yang dipakai run ini, atau jangan isi --boundaries", "give the run's boundary file, or leave out --boundaries"))
    return path


def apply_returns(run_dir: str | Path, returned: Sequence[str | Path], out: str | Path, *,
                  boundaries: str | Path | None = None, options: VerifyOptions | None = None) -> VerifyResult:
    """Apply the returned forms to a run: corrected household file, audit trail, re-run, report.

    Parameters
    ----------
    run_dir
        The run directory the forms were made from (``kantong run``).
    returned
        Filled workbooks (``.xlsx``) and/or ODK/Kobo CSV exports (``.csv``).
    out
        The output folder DIR: ``internal/households_verified.csv``,
        ``internal/audit.csv``, ``internal/issues.csv``, ``verifikasi.xlsx`` and the
        re-run's files (``pockets.geojson``, ``kelurahan.geojson``, ...). Must not be
        ``run_dir``.
    boundaries
        The village polygons (default: the run's ``kelurahan.geojson``); GPS points
        outside them are ignored.
    options
        :class:`VerifyOptions` (poverty definition and method of the run).

    Returns
    -------
    VerifyResult
    """
    from kantong.io import write_table
    from kantong.verify.report import changes, coverage, write_summary

    opts = options or VerifyOptions()
    with language(opts.lang):
        run = load_run(run_dir)
        out = Path(out)
        if out.resolve() == run.path.resolve():
            raise InputError(tr("--out tidak boleh sama dengan folder run", "--out must not be the run folder"), path=out,
                             hint=tr("pilih folder lain: data asli tidak pernah ditimpa", "choose another folder: the original is never overwritten"))
        bnd = _boundaries(run, boundaries)
        rows, files = collect(run, returned)
        verified, audit, moved = apply_rows(run, rows)
        internal = out / "internal"
        internal.mkdir(parents=True, exist_ok=True)
        csv = write_table(verified, internal / "households_verified.csv")
        moved_ids = set(audit.loc[audit["field"].isin([run.columns.get("lat", "Latitude"), run.columns.get("lon", "Longitude")]), "household_id"])
        res = rerun(csv, bnd, out, opts, moved_ids)
        result = VerifyResult(verified=verified, applied=rows, issues=issues_frame(files), audit=audit, run=res, lang=opts.lang)
        result.changes = changes(run, res)
        result.coverage = coverage(run, rows, moved_ids)
        result.counts = _counts(rows, moved, result.changes)
        result.files = [*res.files, csv,
                        write_table(audit, internal / "audit.csv"),
                        write_table(result.issues, internal / "issues.csv"),
                        write_summary(result, out / "verifikasi.xlsx")]
    return result


def _counts(rows: pd.DataFrame, moved: int, ch: pd.DataFrame) -> dict[str, int]:
    f = rows["finding"].value_counts() if len(rows) else pd.Series(dtype=int)
    st = ch["status"].value_counts() if len(ch) else pd.Series(dtype=int)
    out = {k: int(f.get(k, 0)) for k in ("ditemukan", "pindah", "meninggal", "tidak_miskin", "tidak_diketahui", NEW)}
    out.update(positions=moved, checked=int((rows["finding"] != NEW).sum()) if len(rows) else 0)
    out.update({f"pockets_{k}": int(st.get(k, 0)) for k in ("confirmed", "shrunk", "dropped", "new")})
    return out
