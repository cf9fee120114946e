"""What the map shows of issue #11's measures: the MPI and access lines of a pocket's
popup, and the facilities layer (one colour per facility type) with its legend.

Facilities are public places (puskesmas, schools, water points), not personal data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kantong._i18n import fmt_int, fmt_num, fmt_pct, tr
from kantong.maps.features import _PRECISION
from kantong.maps.text import _plain, escape_text
from kantong.measures import facility_label

#: marker colour per facility type (ColorBrewer Set1/Dark2, distinguishable on the choropleth)
FACILITY_COLORS: dict[str, str] = {
    "health": "#e41a1c",
    "posyandu": "#f781bf",
    "school_sd": "#377eb8",
    "school_smp": "#4daf4a",
    "school_sma": "#984ea3",
    "water": "#1f78b4",
    "market": "#ff7f00",
}
_OTHER_COLOR = "#666666"


def _finite(value: object) -> bool:
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def measure_rows(row: pd.Series) -> list[tuple[str, str]]:
    """(label, value) lines for a pocket's popup: H, A, M0 and, per facility type, the
    median distance and the share beyond its threshold (only what the row has)."""
    rows: list[tuple[str, str]] = []
    if _finite(row.get("mpi_h")):
        rows.append((tr("MPI: miskin multidimensi (H)", "MPI: multidimensionally poor (H)"), fmt_pct(row["mpi_h"])))
        if _finite(row.get("mpi_a")):
            rows.append((tr("MPI: intensitas (A)", "MPI: intensity (A)"), fmt_pct(row["mpi_a"])))
        rows.append(("MPI: M0 = H × A", fmt_num(row.get("mpi_m0"), 3)))
    kinds = [str(c)[len("access_") : -len("_median_m")] for c in row.index if str(c).startswith("access_") and str(c).endswith("_median_m")]
    for k in kinds:
        median = row.get(f"access_{k}_median_m")
        if not _finite(median):
            continue
        text = tr("median {d} m", "median {d} m", d=fmt_int(median))
        beyond = row.get(f"access_{k}_beyond")
        if _finite(beyond):
            text += tr("; {s} di atas ambang", "; {s} beyond threshold", s=fmt_pct(beyond))
        rows.append((tr("Jarak ke {x}", "Distance to {x}", x=facility_label(k)), text))
    return rows


def facility_features(facilities: pd.DataFrame) -> list[dict[str, Any]]:
    """One point per facility: colour ``f`` by type, tooltip ``t`` (type and name)."""
    features = []
    names = facilities["nama"].fillna("").astype(str) if "nama" in facilities else pd.Series("", index=facilities.index)
    for kind, name, lat, lon in zip(facilities["jenis"].astype(str), names, facilities["lat"], facilities["lon"]):
        if not (_finite(lat) and _finite(lon)):
            continue
        tip = escape_text(facility_label(kind) + (f" · {_plain(name, max_len=80)}" if name else ""))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(float(lon), _PRECISION), round(float(lat), _PRECISION)]},
                "properties": {"f": FACILITY_COLORS.get(kind, _OTHER_COLOR), "t": tip},
            }
        )
    return features


def legend_facilities(facilities: pd.DataFrame | None) -> list[str]:
    """Legend rows: one coloured dot per facility type present, with its count."""
    if facilities is None or not len(facilities):
        return []
    rows = ['<div class="kt-h">' + escape_text(tr("Fasilitas layanan dasar", "Basic service facilities")) + "</div>"]
    counts = facilities["jenis"].astype(str).value_counts()
    for kind in [k for k in FACILITY_COLORS if k in counts] + sorted(k for k in counts.index if k not in FACILITY_COLORS):
        color = FACILITY_COLORS.get(kind, _OTHER_COLOR)
        dot = f'<span class="kt-sw" style="background:{color};border-radius:50%;width:10px;height:10px"></span>'
        label = escape_text(f"{facility_label(kind)} ({fmt_int(counts[kind])})")
        rows.append(f'<div class="kt-row">{dot}{label}</div>')
    if "sumber" in facilities and facilities["sumber"].astype(str).str.contains("synthetic").any():
        rows.append('<div class="kt-note">' + escape_text(tr("fasilitas sintetis (contoh)", "synthetic facilities (example)")) + "</div>")
    return rows
