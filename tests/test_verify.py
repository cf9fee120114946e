"""Field verification (issue #12): forms written, filled as a field team would, read back.

A run on the session's synthetic city; the forms of it; returns filled with openpyxl
and KoboToolbox CSV exports as Kobo writes them; everything applied with the pockets
re-run. Values, counts and files are asserted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from test_verify_helpers import fill_form, form_ids, header_columns, kobo_export, make_run, retype_form, run_households, set_meta

import kantong
from kantong.verify import FINDINGS, FORM_VERSION, VerifyOptions, apply_returns, make_forms
from kantong.verify._common import META_SHEET, file_hash, load_run, safe_name

FAST = VerifyOptions(replicates=99)


@pytest.fixture(scope="module")
def vrun(shared_city, tmp_path_factory) -> Path:
    return make_run(shared_city, tmp_path_factory.mktemp("verify"))


@pytest.fixture(scope="module")
def forms(vrun, tmp_path_factory) -> list[Path]:
    return make_forms(vrun, tmp_path_factory.mktemp("forms"))


@pytest.fixture(scope="module")
def main_form(forms) -> Path:
    """The kelurahan form with the most households."""
    books = [f for f in forms if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx"]
    return max(books, key=lambda p: len(form_ids(p)))


def _meta(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[META_SHEET]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True)}


def _position_of(run: Path, kode: str, k: int = 0) -> tuple[float, float]:
    """A real household position in kelurahan ``kode`` (inside the city)."""
    hh = run_households(run)
    sub = hh[(hh["kode"] == kode) & (hh["lat"] != "")]
    return float(sub["lat"].iloc[k]), float(sub["lon"].iloc[k])


# --------------------------------------------------------------------------------------
# forms
# --------------------------------------------------------------------------------------


def test_forms_one_workbook_and_pdf_per_kelurahan_with_pockets(vrun, forms):
    hh = run_households(vrun)
    in_pk = hh[(hh["pocket_id"] != "") & (hh["duplicate_of"] == "") & (hh["kode"] != "")]
    books = [f for f in forms if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx"]
    pdfs = [f for f in forms if f.suffix == ".pdf"]
    assert len(books) == len(pdfs) == in_pk["kode"].nunique() > 0
    assert sorted(p.stem for p in books) == sorted(p.stem for p in pdfs)
    listed = sorted(i for b in books for i in form_ids(b))
    assert listed == sorted(in_pk["ID Keluarga P3KE"])
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1
    run = load_run(vrun)
    names = {run.village_name(k) for k in in_pk["kode"].unique()}
    assert {b.stem for b in books} == {safe_name(n) for n in names}


def test_form_layout_sorted_validated_printable(main_form, vrun):
    wb = openpyxl.load_workbook(main_form)
    assert wb.sheetnames == ["verifikasi", META_SHEET]
    ws = wb["verifikasi"]
    header, cols = header_columns(ws)
    rows = [r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, cols["household_id"]).value]
    keys = [(ws.cell(r, cols["rw"]).value, ws.cell(r, cols["rt"]).value) for r in rows]
    assert keys == sorted(keys)
    # a group row per RW/RT
    groups = {ws.cell(r, 1).value for r in range(header + 1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("RW ")}
    assert len(groups) == len(set(keys))
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list"
    assert dv[0].formula1 == '"ditemukan,pindah,meninggal,tidak miskin,tidak diketahui"'
    first = f"{openpyxl.utils.get_column_letter(cols['finding'])}{rows[0]}"
    assert any(first in str(r) for r in dv[0].sqref.ranges)
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == f"${header}:${header}"
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any(t.startswith("Mengetahui, Lurah") for t in texts) and "Petugas verifikasi" in texts
    meta = _meta(main_form)
    assert wb[META_SHEET].sheet_state == "veryHidden" and wb[META_SHEET].protection.sheet
    assert meta["run_id"] == file_hash(vrun / "internal" / "households.csv")
    assert meta["form_version"] == FORM_VERSION and int(meta["n_households"]) == len(rows)
    assert meta["kode"] in set(run_households(vrun)["kode"])


def test_form_text_cells_are_never_formulas(forms):
    books = [f for f in forms if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx"]
    seen = 0
    for book in books:
        ws = openpyxl.load_workbook(book)["verifikasi"]
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert c.data_type == "s", (book.name, c.coordinate, c.value)
                    seen += c.value.startswith("=HYPERLINK")
    assert seen > 0  # the formula-like names are there, as text


def test_english_forms(vrun, tmp_path):
    files = make_forms(vrun, tmp_path / "en", lang="en", pdf=False, all_poor=True)
    book = next(f for f in files if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx")
    ws = openpyxl.load_workbook(book)["verifikasi"]
    assert ws.data_validations.dataValidation[0].formula1 == '"found,moved,died,not poor,unknown"'
    assert "Household ID" in [c.value for c in ws[6]]
    assert kantong.get_language() == "id"
    # --all-poor lists every poor household (desil 1), in pockets or not
    run = load_run(vrun)
    hh = run.raw
    poor = hh[(run.data["desil"] == 1).fillna(False).to_numpy() & (hh["duplicate_of"] == "").to_numpy() & (hh["kode"] != "").to_numpy()]
    listed = [i for f in files if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx" for i in form_ids(f)]
    assert sorted(listed) == sorted(poor["ID Keluarga P3KE"])


def test_xlsform_converts_with_pyxform_and_odk_validate(forms, tmp_path):
    pyxform = pytest.importorskip("pyxform")
    from pyxform.xls2xform import xls2xform_convert

    src = next(f for f in forms if f.name == "kantong_verifikasi.xlsx")
    survey = pd.read_excel(src, sheet_name="survey", dtype=str, engine="openpyxl").fillna("")
    assert "select_one_from_file households.csv" in set(survey["type"]) and "geopoint" in set(survey["type"])
    assert {"begin_group", "end_group"} <= set(survey["type"])
    choices = pd.read_excel(src, sheet_name="choices", dtype=str, engine="openpyxl")
    assert list(choices.loc[choices["list_name"] == "temuan", "name"]) == list(FINDINGS)
    java = shutil.which("java") is not None
    xml = tmp_path / "kantong_verifikasi.xml"
    warnings = xls2xform_convert(src, xml, validate=java)
    text = xml.read_text(encoding="utf-8")
    assert 'jr://file-csv/households.csv' in text and "geopoint" in text
    assert "kantong-verifikasi-1" in text and not [w for w in warnings if "error" in w.lower()]
    attach = pd.read_csv(src.parent / "households.csv", dtype=str)
    assert list(attach.columns) == ["name", "label", "kode", "info"]
    listed = [i for f in forms if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx" for i in form_ids(f)]
    assert sorted(attach["name"]) == sorted(listed)
    assert pyxform.__version__


# --------------------------------------------------------------------------------------
# returns
# --------------------------------------------------------------------------------------


def _audit_matches_diff(run_dir: Path, res) -> None:
    """Every changed cell of the corrected table is in the audit trail, and nothing else."""
    orig = run_households(run_dir)
    ver = res.verified.iloc[: len(orig)]
    ids = orig["ID Keluarga P3KE"].to_numpy()
    changed = set()
    for col in [*orig.columns, "verify_status"]:
        old = orig[col].to_numpy() if col in orig else np.full(len(orig), "")
        diff = np.flatnonzero(ver[col].astype(str).to_numpy() != old)
        changed |= {(ids[i], col, old[i], ver[col].iloc[i]) for i in diff}
    logged = {(a.household_id, a.field, a.old, a.new) for a in res.audit.itertuples() if a.field != "row_added"}
    assert changed == logged
    added = res.verified.iloc[len(orig):]
    assert sorted(res.audit.loc[res.audit["field"] == "row_added", "household_id"]) == sorted(added["ID Keluarga P3KE"])


def test_workbook_round_trip_reordered_columns_excel_dates_hand_typed_rows(vrun, main_form, tmp_path):
    run = load_run(vrun)
    before = file_hash(vrun / "internal" / "households.csv")
    ids = form_ids(main_form)
    kode = _meta(main_form)["kode"]
    lat, lon = _position_of(vrun, kode, 3)
    plan = {i: {"finding": "Tidak Miskin"} for i in ids[:10]}
    plan |= {i: {"finding": "ditemukan", "date": dt.datetime(2026, 5, 12)} for i in ids[10:20]}
    plan[ids[20]] = {"finding": "pindah", "new_address": "Jl. Baru No. 7", "lat": f"{lat:.5f}".replace(".", ","), "lon": f"{lon:.5f}".replace(".", ",")}
    plan[ids[21]] = {"finding": "meninggal", "date": 46154}  # an Excel serial day number
    plan[ids[22]] = {"finding": "entah"}
    plan[ids[23]] = {"finding": "tidak diketahui", "date": "31/12/2026"}
    plan[ids[24]] = {"finding": "ditemukan", "lat": lon, "lon": lat}  # swapped
    filled = fill_form(main_form, tmp_path / "filled.xlsx", plan.get)
    order = ["remarks", "finding", "household_id", "head_name", "rt", "rw", "address", "new_address", "lon", "lat", "date", "desil"]
    extra = [{"household_id": "P3KE99999999999", "finding": "ditemukan"},
             {"head_name": "Ibu Sari", "address": "Jl. Kenanga 3", "rt": "001", "rw": "002", "lat": lat, "lon": lon},
             {"remarks": "hujan deras"}]
    retyped = retype_form(filled, tmp_path / "Rekap.xlsx", order=order, extra_rows=extra)
    res = apply_returns(vrun, [retyped], tmp_path / "out", options=FAST)

    codes = sorted(res.issues["code"])
    assert codes == ["finding", "no_id", "unknown_id"], res.issues
    assert res.issues.loc[res.issues["code"] == "finding", "household_id"].tolist() == [ids[22]]
    v = res.verified.set_index("ID Keluarga P3KE")
    status = v["verify_status"]
    assert (status.loc[ids[:10]] == "tidak_miskin").all() and (status.loc[ids[10:20]] == "ditemukan").all()
    assert status.loc[ids[20]] == "pindah" and status.loc[ids[21]] == "meninggal" and status.loc[ids[22]] == ""
    assert v.loc[ids[20], "Alamat"] == "Jl. Baru No. 7"
    assert (v.loc[ids[20], "Latitude"], v.loc[ids[20], "Longitude"]) == (f"{round(lat, 5):.6f}", f"{round(lon, 5):.6f}")
    assert float(v.loc[ids[24], "Latitude"]) == pytest.approx(lat) and float(v.loc[ids[24], "Longitude"]) == pytest.approx(lon)
    assert v.loc[ids[10], "verify_date"] == "2026-05-12" and v.loc[ids[21], "verify_date"] == "2026-05-12"
    assert v.loc[ids[23], "verify_date"] == "2026-12-31"
    assert v.loc[ids[0], "verify_source"].startswith("Rekap.xlsx:")
    assert len(res.verified) == len(run.raw) + 1
    new = res.verified.iloc[-1]
    assert (new["Nama Kepala Keluarga"], new["verify_status"], new["RT"], new["kode"]) == ("Ibu Sari", "baru", "001", "")
    assert new["Kode Wilayah"] == kode
    _audit_matches_diff(vrun, res)
    assert set(res.audit["officer"]) == {"Siti Petugas"}
    # the original is never touched; the corrected file sits beside it, and DIR is a run
    assert file_hash(vrun / "internal" / "households.csv") == before
    out = tmp_path / "out"
    assert (out / "internal" / "households_verified.csv").exists() and (out / "pockets.geojson").exists()
    assert len(run_households(out)) == len(run.raw) + 1
    assert res.counts["tidak_miskin"] == 10 and res.counts["ditemukan"] == 11 and res.counts["baru"] == 1
    assert res.counts["positions"] == 2
    cov = res.coverage.set_index("kode").loc[kode]
    assert (cov["n_checked"], cov["n_found"], cov["n_new"]) == (24, 11, 1)
    assert cov["share_confirmed"] == pytest.approx(11 / 24)


def test_summary_workbook_holds_no_names_or_ids(vrun, main_form, tmp_path):
    ids = form_ids(main_form)
    filled = fill_form(main_form, tmp_path / "f.xlsx", lambda i: {"finding": "ditemukan"} if i in ids[:30] else None)
    res = apply_returns(vrun, [filled], tmp_path / "out", options=FAST)
    hh = run_households(vrun)
    personal = set(hh["Nama Kepala Keluarga"]) | set(hh["ID Keluarga P3KE"]) | set(hh["Alamat"])
    wb = openpyxl.load_workbook(tmp_path / "out" / "verifikasi.xlsx")
    cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    assert not cells & personal
    assert res.counts["ditemukan"] == 30 and "30 keluarga diperiksa" in res.report()


def _kobo_rows(vrun: Path, main_form: Path, offset: int = 0) -> tuple[list[dict], list[str], str]:
    ids = form_ids(main_form)[offset:]
    kode = _meta(main_form)["kode"]
    lat, lon = _position_of(vrun, kode, 5)
    rows = [{"kode": kode, "household_id": i, "finding": "ditemukan"} for i in ids[:5]]
    rows.append({"kode": kode, "household_id": ids[5], "finding": "tidak_miskin", "lat": lat, "lon": lon})
    rows.append({"kode": kode, "jenis": "baru", "head_name": "Pak Darto", "address": "Gg. Mawar 2", "rt": "003", "rw": "001",
                 "members": "5", "lat": lat + 0.0004, "lon": lon})
    rows.append({"kode": kode, "household_id": ids[6], "finding": "xyz"})
    rows.append({"kode": kode, "household_id": ids[7], "finding": "ditemukan", "lat": -6.2, "lon": 106.8})  # Jakarta
    rows.append({"kode": kode, "household_id": ids[8], "finding": "ditemukan"})
    rows.append({"kode": kode, "household_id": ids[8], "finding": "meninggal"})  # conflict
    rows.append({"kode": kode, "household_id": ids[9], "finding": "pindah"})
    rows.append({"kode": kode, "household_id": ids[9], "finding": "pindah"})  # repeated, agreeing
    return rows, ids, kode


def test_kobo_export_imported(vrun, main_form, tmp_path):
    run = load_run(vrun)
    rows, ids, kode = _kobo_rows(vrun, main_form)
    export = kobo_export(tmp_path / "kantong_verifikasi_-_all_versions_-_labels_-_2026-05-12.csv", rows, run_id=run.run_id)
    res = apply_returns(vrun, [export], tmp_path / "out", options=FAST)
    issues = {(r.code, r.row, r.applied) for r in res.issues.itertuples()}
    assert issues == {("finding", 8, False), ("gps_outside", 9, True), ("conflict", 10, False), ("conflict", 11, False),
                      ("repeated", 13, True)}, res.issues
    v = res.verified.set_index("ID Keluarga P3KE")
    assert (v.loc[ids[:5], "verify_status"] == "ditemukan").all()
    assert v.loc[ids[5], "verify_status"] == "tidak_miskin" and v.loc[ids[5], "verify_date"] == "2026-05-10"
    assert v.loc[ids[7], "verify_status"] == "ditemukan"
    assert v.loc[ids[7], "Latitude"] == run.raw.set_index("ID Keluarga P3KE").loc[ids[7], "Latitude"]  # Jakarta point ignored
    assert v.loc[ids[8], "verify_status"] == "" and v.loc[ids[9], "verify_status"] == "pindah"
    assert v.loc[ids[9], "verify_source"] == f"{export.name}:12"
    new = res.verified.iloc[-1]
    assert (new["Nama Kepala Keluarga"], new["Jumlah Anggota Keluarga"], new["verify_status"]) == ("Pak Darto", "5", "baru")
    assert new["ID Keluarga P3KE"].startswith("BARU-")
    assert set(res.audit["officer"]) == {"Andi Enumerator"}
    _audit_matches_diff(vrun, res)
    # the re-run counts the new family as poor, and placed it
    rerun = run_households(tmp_path / "out").iloc[-1]
    assert rerun["geocode_status"].startswith("point") and rerun["kode"] == kode


def test_bad_files_each_reported_the_rest_applied(vrun, main_form, forms, tmp_path):
    run = load_run(vrun)
    ids = form_ids(main_form)
    good = fill_form(main_form, tmp_path / "good.xlsx", lambda i: {"finding": "ditemukan"} if i in ids[:4] else None)
    other_run = set_meta(good, tmp_path / "other_run.xlsx", run_id="0123456789abcdef")
    other_kode = next(k for k in run.villages["kode"] if k != _meta(main_form)["kode"])
    other_kel = set_meta(good, tmp_path / "other_kel.xlsx", kode=other_kode)
    empty = shutil.copy(main_form, tmp_path / "empty.xlsx")
    rows, _, _ = _kobo_rows(vrun, main_form)
    old_version = kobo_export(tmp_path / "old.csv", rows[:3], run_id=run.run_id, version="kantong-verifikasi-0")
    note = tmp_path / "catatan.txt"
    note.write_text("lihat buku tulis")
    res = apply_returns(vrun, [good, other_run, other_kel, empty, old_version, note, tmp_path / "hilang.xlsx"], tmp_path / "out", options=FAST)
    by_file = res.issues.groupby("file")["code"].apply(sorted).to_dict()
    assert by_file == {"other_run.xlsx": ["other_run"], "other_kel.xlsx": ["other_kelurahan"] * 4, "empty.xlsx": ["empty"],
                       "old.csv": ["other_version"], "catatan.txt": ["file_type"], "hilang.xlsx": ["missing"]}
    assert (res.issues["applied"] == False).all()  # noqa: E712
    assert sorted(res.applied["household_id"]) == sorted(ids[:4])
    assert (res.verified["verify_status"] != "").sum() == 4


def test_same_return_twice_changes_nothing(vrun, main_form, tmp_path):
    run = load_run(vrun)
    ids = form_ids(main_form)
    a = fill_form(main_form, tmp_path / "a.xlsx", lambda i: {"finding": "tidak miskin"} if i in ids[:40] else None)
    resaved = tmp_path / "a_resaved.xlsx"
    openpyxl.load_workbook(a).save(resaved)  # other bytes, same returns
    rows, _, _ = _kobo_rows(vrun, main_form, offset=40)
    k1 = kobo_export(tmp_path / "export1.csv", rows[:7], run_id=run.run_id)
    k2 = kobo_export(tmp_path / "export2.csv", rows[:7], run_id=run.run_id, sep=",")  # the same submissions, re-exported
    once = apply_returns(vrun, [a, k1], tmp_path / "once", options=FAST)
    twice = apply_returns(vrun, [a, a, resaved, k1, k2, k1], tmp_path / "twice", options=FAST)
    again = apply_returns(vrun, [a, k1], tmp_path / "once", options=FAST)
    for rel in ("internal/households_verified.csv", "internal/audit.csv", "pockets.geojson", "internal/households.csv"):
        h = {hashlib.sha256((tmp_path / d / rel).read_bytes()).hexdigest() for d in ("once", "twice")}
        assert len(h) == 1, rel
    pd.testing.assert_frame_equal(once.verified, again.verified)
    assert len(twice.applied) == len(once.applied) == 40 + 7
    assert sorted(twice.issues.loc[twice.issues["code"] == "same_file", "file"]) == ["a.xlsx", "export1.csv"]


def test_odk_central_export_and_english_report(vrun, main_form, tmp_path):
    """ODK Central names its columns with dashes (``cek-temuan``, ``gps-Latitude``,
    ``meta-instanceID``) and separates with commas."""
    run = load_run(vrun)
    rows, ids, _ = _kobo_rows(vrun, main_form)
    kobo = kobo_export(tmp_path / "kobo.csv", rows[:6], run_id=run.run_id, sep=",")
    frame = pd.read_csv(kobo, dtype=str, keep_default_na=False)
    central = {"cek/keluarga": "cek-keluarga", "cek/temuan": "cek-temuan", "_gps_latitude": "gps-Latitude",
               "_gps_longitude": "gps-Longitude", "_uuid": "meta-instanceID", "_submission_time": "SubmissionDate",
               "_submitted_by": "SubmitterName"}
    frame = frame.drop(columns=["gps", "petugas"]).rename(columns=central)
    frame.to_csv(tmp_path / "central.csv", index=False)
    res = apply_returns(vrun, [tmp_path / "central.csv"], tmp_path / "out", options=VerifyOptions(replicates=99, lang="en"))
    assert res.issues.empty, res.issues
    v = res.verified.set_index("ID Keluarga P3KE")
    assert (v.loc[ids[:5], "verify_status"] == "ditemukan").all() and v.loc[ids[5], "verify_status"] == "tidak_miskin"
    assert res.counts["positions"] == 1 and set(res.audit["officer"]) == {"enumerator1"}
    assert res.report().startswith("6 households checked: 5 found")
    assert openpyxl.load_workbook(tmp_path / "out" / "verifikasi.xlsx").sheetnames == ["Summary", "Coverage", "Pockets"]
    assert kantong.get_language() == "id"


def test_no_pockets_warns(vrun, tmp_path):
    from kantong.verify.forms import form_tables

    run = load_run(vrun)
    empty = run.raw.assign(pocket_id="")
    shutil.copytree(vrun, tmp_path / "run")
    kantong.write_table(empty, tmp_path / "run" / "internal" / "households.csv")
    with pytest.warns(kantong.DataWarning, match="--all-poor"):
        files = make_forms(tmp_path / "run", tmp_path / "forms", pdf=False)
    assert [f.name for f in files] == ["kantong_verifikasi.xlsx", "households.csv", "kelurahan.csv"]
    assert form_tables(run) and not form_tables(load_run(tmp_path / "run"))
