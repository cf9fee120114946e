"""The verification round trip on a synthetic city whose truth is known (issue #12).

The planted round pocket P1 is found by the run. Field verification that finds most of
its poor families "not poor" removes that pocket; the weak cluster left behind becomes
a pocket again when enough missing poor families inside it are added, and not with a
handful.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point
from test_verify_helpers import fill_form, form_ids, kobo_export, make_run, run_households

from kantong.verify import VerifyOptions, apply_returns, make_forms
from kantong.verify._common import load_run

pytestmark = pytest.mark.slow
FAST = VerifyOptions(replicates=99)


@pytest.fixture(scope="module")
def trip(shared_city, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roundtrip")
    run = make_run(shared_city, tmp, hostile_names=False)
    forms = make_forms(run, tmp / "forms", pdf=False)
    hh = run_households(run)
    p1 = shared_city.truth["pocket"].to_numpy() == "P1"
    poor = (load_run(run).data["desil"] == 1).fillna(False).to_numpy()
    ids = sorted(hh.loc[p1 & poor, "ID Keluarga P3KE"])
    rng = np.random.default_rng(0)
    not_poor = set(rng.choice(ids, int(0.85 * len(ids)), replace=False))
    returns, listed = [], set()
    for f in forms:
        listed |= set(form_ids(f)) if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx" else set()
        if f.suffix == ".xlsx" and f.name != "kantong_verifikasi.xlsx" and set(form_ids(f)) & not_poor:
            decide = (lambda i: {"finding": "tidak miskin"} if i in not_poor else {"finding": "ditemukan"})
            returns.append(fill_form(f, tmp / f"kembali_{f.name}", decide))
    return {"tmp": tmp, "run": run, "hh": hh, "p1": p1, "returns": returns, "not_poor": not_poor & listed}


def _new_families(trip, city, n: int, seed: int) -> Path:
    """A Kobo export adding ``n`` poor families at points inside P1's planted area."""
    geom = city.pockets.set_index("pocket_id").geometry["P1"]
    c = geom.centroid
    rng = np.random.default_rng(seed)
    pts: list[tuple[float, float]] = []
    while len(pts) < n:
        x, y = c.x + rng.normal(0, 0.0015), c.y + rng.normal(0, 0.0015)
        if geom.contains(Point(x, y)):
            pts.append((round(y, 6), round(x, 6)))
    kode = pd.Series(trip["hh"].loc[trip["p1"], "kode"]).mode()[0]
    rows = [{"kode": kode, "jenis": "baru", "head_name": f"Keluarga Baru {i}", "address": f"Gg. Baru {i}", "lat": a, "lon": b,
             "uuid": f"new-{n}-{i}"} for i, (a, b) in enumerate(pts)]
    return kobo_export(trip["tmp"] / f"baru_{n}.csv", rows, run_id=load_run(trip["run"]).run_id)


def test_run_finds_the_planted_pocket(trip):
    hh, p1 = trip["hh"], trip["p1"]
    assert (hh.loc[p1, "pocket_id"] != "").mean() > 0.8
    assert len(trip["not_poor"]) > 100


def test_not_poor_findings_remove_the_pocket(trip):
    hh, p1 = trip["hh"], trip["p1"]
    old = hh.loc[p1, "pocket_id"].mode()[0]
    res = apply_returns(trip["run"], trip["returns"], trip["tmp"] / "A", options=FAST)
    assert res.issues.empty and res.counts["tidak_miskin"] == len(trip["not_poor"])
    status = res.changes.set_index("pocket_from")["status"]
    assert status[old] == "dropped"
    assert (status.drop(old) == "confirmed").all()  # the other planted pocket stays
    after = run_households(trip["tmp"] / "A")
    assert (after["pocket_id"].to_numpy()[: len(hh)][p1] != "").mean() == 0.0
    assert "1 hilang" in res.report()


@pytest.mark.parametrize(("n", "pocket_again"), [(20, False), (80, True)])
def test_missing_families_make_the_weak_cluster_a_pocket(trip, shared_city, n, pocket_again):
    hh, p1 = trip["hh"], trip["p1"]
    kobo = _new_families(trip, shared_city, n, seed=n)
    res = apply_returns(trip["run"], [*trip["returns"], kobo], trip["tmp"] / f"B{n}", options=FAST)
    assert res.counts["baru"] == n and res.issues.empty
    after = run_households(trip["tmp"] / f"B{n}")
    in_pocket = after["pocket_id"].to_numpy() != ""
    assert len(after) == len(hh) + n
    share_p1 = in_pocket[: len(hh)][p1].mean()
    share_new = in_pocket[len(hh):].mean()
    old = hh.loc[p1, "pocket_id"].mode()[0]
    status = res.changes.set_index("pocket_from")["status"][old]
    if pocket_again:  # the planted area is a pocket again, holding many of the added families
        assert status in ("confirmed", "shrunk") and share_p1 > 0.2 and share_new > 0.3, (status, share_p1, share_new)
    else:
        assert status == "dropped" and share_p1 == 0.0 and share_new == 0.0
