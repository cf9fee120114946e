"""The families of the export: row order, RT/RW and streets, attributes, IDs, NIK, names.

Everything here is drawn from the attribute stream, in a fixed order (row order, then
attributes, NIK, names, addresses), so that a seed always gives the same rows.
Nothing here depends on the mess: ``mess=None`` gives the same families, clean.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kantong.synthetic.strings import mix_hash, pad, take
from kantong.synthetic.villages import Villages

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "Attributes",
    "Families",
    "HouseholdIds",
    "Records",
    "Rows",
    "attributes",
    "clean_columns",
    "draw_records",
    "household_ids",
    "make_nik",
    "order_rows",
]

_FIRST_MALE = (
    "Ahmad", "Agus", "Budi", "Bambang", "Dedi", "Eko", "Hendra", "Joko", "Rahmat", "Yusuf",
    "Slamet", "Andi", "Rudi", "Supriadi", "Hadi", "Muhammad", "Yohanes", "Markus", "Daniel",
    "Fransiskus", "Bayu", "Wahyu", "Arif", "Syahrul", "Rizky", "Teguh", "Darmawan", "Fajar",
    "Irwan", "Sahat", "Untung", "Kristian", "Yosef", "Herman", "Suparman", "Ilham", "Dimas",
    "Ferry", "Gusti", "Adi",
)
_FIRST_FEMALE = (
    "Siti", "Sri", "Dewi", "Rina", "Fitri", "Lina", "Maria", "Yuliana", "Nur", "Rahmawati",
    "Ika", "Sari", "Wati", "Endang", "Yanti", "Ratna", "Agustina", "Marlina", "Elisabet",
    "Debora", "Novita", "Susi", "Kartini", "Rosita", "Dian",
)
_LAST = (
    "Saputra", "Wijaya", "Hidayat", "Santoso", "Pratama", "Nugroho", "Setiawan", "Kurniawan",
    "Gunawan", "Siregar", "Simanjuntak", "Nasution", "Lubis", "Hasibuan", "Rahman", "Hakim",
    "Syahputra", "Firmansyah", "Ramadhan", "Halim", "Tambun", "Bungai", "Riwut", "Ngabe",
    "Usop", "Dehen", "Anom", "Tingang", "Sahay", "Kasim", "Effendi", "Susanto", "Prasetyo",
    "Purnomo", "Wibowo", "Utomo", "Hartono", "Asmuni", "Jaya", "Pranata",
)
_STREETS = (
    "Tjilik Riwut", "G. Obos", "RTA Milono", "Yos Sudarso", "Diponegoro", "Ahmad Yani",
    "Rajawali", "Beliang", "Mahir Mahar", "Temanggung Tilung", "Kinibalu", "Seth Adji",
    "Dr. Murjani", "Imam Bonjol", "Sisingamangaraja", "Badak", "Rindang Banua",
    "Bukit Keminting", "Pangeran Samudra", "Kalimantan", "Kahayan", "Garuda", "Sapan",
    "Mendawai", "Galaxy", "Hiu Putih", "Krakatau", "Damang Salilah", "Sangga Buana", "Flamboyan",
    "Pilau", "Manjuhan", "Bangaris", "Anoi", "Adonis Samad", "Jati", "Cempaka", "Anggrek",
)

# Deprivation dimensions: (name, export header, deprived labels, their weights,
# other labels, their weights, rate for desil 1, rate for desil 10).
_Dimension = tuple[str, str, tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[float, ...], float, float]
DIMENSIONS: tuple[_Dimension, ...] = (
    ("floor", "Jenis Lantai",
     ("Tanah", "Bambu", "Kayu/papan kualitas rendah"), (0.3, 0.1, 0.6),
     ("Keramik", "Ubin/tegel/teraso", "Semen/bata merah", "Kayu/papan kualitas tinggi",
      "Parket/vinil/karpet", "Marmer/granit"), (0.4, 0.1, 0.25, 0.2, 0.03, 0.02),
     0.20, 0.01),
    ("wall", "Jenis Dinding",
     ("Bambu", "Anyaman bambu", "Kayu/papan kualitas rendah", "Lainnya"), (0.1, 0.1, 0.75, 0.05),
     ("Tembok", "Plesteran anyaman bambu/kawat", "Kayu/papan kualitas tinggi"), (0.6, 0.05, 0.35),
     0.35, 0.02),
    ("roof", "Jenis Atap",
     ("Ijuk/rumbia", "Lainnya"), (0.7, 0.3),
     ("Seng", "Genteng", "Asbes", "Beton", "Kayu/sirap"), (0.55, 0.15, 0.15, 0.05, 0.1),
     0.08, 0.005),
    ("water", "Sumber Air Minum",
     ("Sumur tak terlindung", "Mata air tak terlindung", "Air sungai/danau/waduk", "Air hujan",
      "Lainnya"), (0.3, 0.05, 0.35, 0.25, 0.05),
     ("Air isi ulang", "Air kemasan bermerk", "Leding", "Sumur bor/pompa", "Sumur terlindung",
      "Mata air terlindung"), (0.45, 0.1, 0.2, 0.15, 0.07, 0.03),
     0.40, 0.03),
    ("sanitation", "Fasilitas BAB",
     ("Tidak ada", "Bersama/komunal tanpa septic", "Jamban umum"), (0.4, 0.35, 0.25),
     ("Sendiri", "Bersama/komunal dengan septic"), (0.85, 0.15),
     0.35, 0.02),
    ("electricity", "Sumber Penerangan",
     ("Listrik non-PLN", "Bukan listrik"), (0.7, 0.3),
     ("Listrik PLN dengan meteran", "Listrik PLN tanpa meteran"), (0.85, 0.15),
     0.06, 0.003),
    ("cooking", "Bahan Bakar Memasak",
     ("Kayu bakar", "Arang", "Minyak tanah"), (0.7, 0.1, 0.2),
     ("Gas elpiji 3 kg", "Gas elpiji 5,5 kg/blue gaz", "Listrik", "Tidak memasak di rumah"),
     (0.75, 0.1, 0.1, 0.05),
     0.30, 0.01),
    ("education", "Pendidikan KK",
     ("Tidak/belum sekolah", "Tidak tamat SD"), (0.3, 0.7),
     ("SD/sederajat", "SMP/sederajat", "SMA/sederajat", "D1/D2/D3", "D4/S1", "S2/S3"),
     (0.3, 0.25, 0.3, 0.05, 0.09, 0.01),
     0.35, 0.02),
)
DIMENSION_NAMES: tuple[str, ...] = tuple(d[0] for d in DIMENSIONS)

_PKH_BY_DESIL = np.array([0.55, 0.40, 0.25, 0.12, 0.05, 0.03, 0.02, 0.01, 0.01, 0.01])
_BPNT_BY_DESIL = np.array([0.60, 0.45, 0.30, 0.15, 0.07, 0.04, 0.02, 0.01, 0.01, 0.01])
_MEMBERS_P = np.array([0.09, 0.16, 0.22, 0.23, 0.14, 0.08, 0.05, 0.03])


@dataclass(frozen=True)
class Families:
    """The distinct families, one entry per family (metres, village index, welfare).

    ``planted`` is the index of the planted area a family lives in (-1 for none);
    ``dominant`` the index in :data:`DIMENSION_NAMES` of its pocket's dominant
    deprivation (-1 for none).
    """

    x: np.ndarray
    y: np.ndarray
    village: np.ndarray
    planted: np.ndarray
    desil: np.ndarray
    dominant: np.ndarray

    @property
    def n(self) -> int:
        """Number of families."""
        return int(self.x.size)


@dataclass(frozen=True)
class Rows(Families):
    """Families in export order, with their true position and RT, RW and street.

    ``lon``/``lat`` are rounded to 6 decimals (the export's precision) and lie in
    ``village``.
    """

    lon: np.ndarray
    lat: np.ndarray
    rw: np.ndarray
    rt: np.ndarray
    street: np.ndarray


def order_rows(rng: np.random.Generator, villages: Villages, fam: Families, *, seed: int) -> Rows:
    """Sort families as an export is (village code, RW, RT) and give them RT/RW/street.

    RT (150 m cells) and RW (450 m cells) follow from position, so neighbours share
    them. Rounding to 6 decimals could in principle cross a border: such rows are
    re-located (or keep full precision if the rounded point falls outside every polygon).
    """
    x, y, vill, n = fam.x, fam.y, fam.village, fam.n
    off = rng.uniform(0, 1_000, 2)
    rw_cell = np.floor((x + off[0]) / 450).astype(np.int64), np.floor((y + off[1]) / 450).astype(np.int64)
    rt_cell = np.floor((x + off[0]) / 150).astype(np.int64), np.floor((y + off[1]) / 150).astype(np.int64)
    rw = (mix_hash(vill, rw_cell[0], rw_cell[1], np.full(n, int(seed))) % np.uint64(8)).astype(np.int64) + 1
    rt = (mix_hash(vill, rt_cell[0], rt_cell[1], np.full(n, int(seed) + 1)) % np.uint64(15)).astype(np.int64) + 1
    street = mix_hash(vill, rt_cell[0], rt_cell[1], np.full(n, int(seed) + 2)) % np.uint64(len(_STREETS))
    street = street.astype(np.int64)
    kode_rank = np.argsort(np.argsort(villages.kode, kind="stable"), kind="stable")
    order = np.lexsort((rng.random(n), rt, rw, kode_rank[vill]))
    x, y, vill = x[order], y[order], vill[order]
    lon, lat = villages.frame.to_lonlat(x, y)
    lon = np.round(lon, 6)
    lat = np.round(lat, 6)
    vill_r = villages.locator.locate(lon, lat, vill)
    moved = vill_r != vill
    if moved.any():
        lon_f, lat_f = villages.frame.to_lonlat(x, y)
        bad = moved & (vill_r < 0)
        lon[bad], lat[bad] = lon_f[bad], lat_f[bad]
        vill = np.where(vill_r >= 0, vill_r, vill)
    return Rows(x=x, y=y, village=vill, planted=fam.planted[order], desil=fam.desil[order],
                dominant=fam.dominant[order], lon=lon, lat=lat, rw=rw[order], rt=rt[order], street=street[order])


@dataclass(frozen=True)
class Attributes:
    """Per family: members (1-8), label codes per dimension, PKH/BPNT (0/1), female head."""

    members: np.ndarray
    dims: list[np.ndarray]
    pkh: np.ndarray
    bpnt: np.ndarray
    female: np.ndarray


def attributes(rng: np.random.Generator, desil: np.ndarray, in_pocket: np.ndarray, dominant: np.ndarray) -> Attributes:
    """Members, deprivation label codes, programme flags and the head's sex.

    Deprivation odds fall with the desil, rise in a pocket (``in_pocket``) and much
    more in its ``dominant`` dimension. Label codes index ``deprived + other``
    labels of :data:`DIMENSIONS`.
    """
    n = desil.size
    members = 1 + rng.choice(8, size=n, p=_MEMBERS_P)
    members = np.minimum(members + ((desil <= 2) & (rng.random(n) < 0.35)), 8)
    t = (desil - 1) / 9.0
    dims = []
    for j, (_dim, _header, dep_l, dep_w, ok_l, ok_w, r1, r10) in enumerate(DIMENSIONS):
        lo, hi = math.log(r1 / (1 - r1)), math.log(r10 / (1 - r10))
        logit = lo + (hi - lo) * t + 0.7 * in_pocket + 2.5 * (dominant == j)
        deprived = rng.random(n) < 1 / (1 + np.exp(-logit))
        dep_pick = np.searchsorted(np.cumsum(dep_w) / sum(dep_w), rng.random(n), side="right")
        ok_pick = np.searchsorted(np.cumsum(ok_w) / sum(ok_w), rng.random(n), side="right")
        dep_pick = np.minimum(dep_pick, len(dep_l) - 1)
        ok_pick = len(dep_l) + np.minimum(ok_pick, len(ok_l) - 1)
        dims.append(np.where(deprived, dep_pick, ok_pick))  # codes into dep_l + ok_l
    pkh = rng.random(n) < _PKH_BY_DESIL[desil - 1]
    bpnt = rng.random(n) < np.minimum(_BPNT_BY_DESIL[desil - 1] + 0.2 * pkh, 1.0)
    female = rng.random(n) < np.where(desil <= 2, 0.25, 0.13)
    return Attributes(members=members, dims=dims, pkh=pkh.astype(np.int64), bpnt=bpnt.astype(np.int64), female=female)


def make_nik(rng: np.random.Generator, prefix6: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Unique 16-digit NIKs as integers: region (6) + birth date DDMMYY (women +40) + serial (4).

    Examples
    --------
    >>> nik = make_nik(np.random.default_rng(0), np.array([627101, 627101]), np.array([False, True]))
    >>> [len(str(v)) for v in nik], [str(v)[:6] for v in nik], int(str(nik[1])[6:8]) > 40
    ([16, 16], ['627101', '627101'], True)
    """
    n = prefix6.size
    day = rng.integers(1, 29, n) + 40 * female
    month = rng.integers(1, 13, n)
    year = rng.integers(1950, 2003, n) % 100
    serial = rng.integers(1, 10_000, n)
    base = prefix6.astype(np.int64) * 10**10 + day * 10**8 + month * 10**6 + year * 10**4
    nik = base + serial
    for _ in range(100):
        if n == 0:
            break
        _, first = np.unique(nik, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        serial[dup] = rng.integers(1, 10_000, dup.sum())
        nik[dup] = base[dup] + serial[dup]
    return nik


@dataclass(frozen=True)
class HouseholdIds:
    """Family IDs ``P3KE`` + region (6 digits) + a counter per region, per row.

    ``prefix6`` and ``digits`` are per village (the code's first six digits, and all
    its digits); ``region``, ``counter`` per row; ``width`` the counter's digits;
    ``issued`` (per region, optional) the highest counter ever issued, so that new
    IDs never reuse one (a panel's later rounds).
    """

    ids: pa.Array
    prefix6: np.ndarray
    digits: np.ndarray
    region: np.ndarray
    counter: np.ndarray
    width: int
    issued: np.ndarray | None = None

    def more(self, village: np.ndarray, region: np.ndarray) -> pa.Array:
        """New IDs (after the last of each region) for rows of ``village`` in ``region``."""
        maxc = np.zeros(len(self.prefix6), dtype=np.int64)
        np.maximum.at(maxc, self.region, self.counter)
        if self.issued is not None:
            maxc = np.maximum(maxc, self.issued)
        extra = pd.Series(region).groupby(region, sort=False).cumcount().to_numpy() + 1
        cnum = maxc[region] + extra
        return pc.binary_join_element_wise("P3KE", pa.array(self.prefix6[village].tolist()), pad(cnum, self.width), "")


def household_ids(kode: np.ndarray, village: np.ndarray) -> HouseholdIds:
    """Family IDs numbered in row order within each region (code's first six digits).

    Examples
    --------
    >>> household_ids(np.array(["62.71.01.1001", "62.71.02.1001"]), np.array([0, 1, 0])).ids.to_pylist()
    ['P3KE62710100001', 'P3KE62710200001', 'P3KE62710100002']
    """
    n = village.size
    digits = np.array([re.sub(r"\D", "", k) for k in kode])
    prefix6 = np.array([(d[:6] if len(d) >= 6 else d.ljust(6, "0")) for d in digits])
    _, pcode = np.unique(prefix6, return_inverse=True)
    region = pcode.ravel()[village]
    counter = pd.Series(region).groupby(region, sort=False).cumcount().to_numpy() + 1
    width = max(5, len(str(int(counter.max())))) if n else 5
    hh_prefix = pc.take(pa.array(prefix6.tolist(), type=pa.string()), pa.array(village))
    ids = pc.binary_join_element_wise("P3KE", hh_prefix, pad(counter, width), "")
    return HouseholdIds(ids=ids, prefix6=prefix6, digits=digits, region=region, counter=counter, width=width)


def _names(rng: np.random.Generator, female: np.ndarray) -> pa.Array:
    """Head of family names: first name by sex, a family name for 88 %."""
    n = female.size
    first = np.where(female, len(_FIRST_MALE) + rng.integers(0, len(_FIRST_FEMALE), n),
                     rng.integers(0, len(_FIRST_MALE), n))
    first_s = take(_FIRST_MALE + _FIRST_FEMALE, first)
    last_s = take(_LAST, rng.integers(0, len(_LAST), n))
    single = rng.random(n) < 0.12
    return pc.if_else(pa.array(single), first_s, pc.binary_join_element_wise(first_s, last_s, " "))


@dataclass(frozen=True)
class Records:
    """What a family is, beside where it lives: attributes, family ID, NIK, name, address.

    One entry per family (index-aligned with :class:`Rows`); ``ids``, ``name`` and
    ``address`` are Arrow strings, ``nik`` 16-digit integers.
    """

    att: Attributes
    ids: pa.Array
    nik: np.ndarray
    name: pa.Array
    address: pa.Array


def draw_records(
    rng: np.random.Generator, villages: Villages, rows: Rows, in_pocket: np.ndarray
) -> tuple[Records, HouseholdIds]:
    """Attributes, IDs, NIKs, names and addresses of ``rows`` (attribute stream ``rng``)."""
    vill = rows.village
    att = attributes(rng, rows.desil, in_pocket, rows.dominant)
    ids = household_ids(villages.kode, vill)
    nik = make_nik(rng, ids.prefix6.astype(np.int64)[vill], att.female)
    name = _names(rng, att.female)
    address = pc.binary_join_element_wise(
        "Jl. ", take(_STREETS, rows.street), " No. ", pc.cast(pa.array(rng.integers(1, 200, rows.n)), pa.string()), ""
    )
    return Records(att=att, ids=ids.ids, nik=nik, name=name, address=address), ids


def clean_columns(villages: Villages, rows: Rows, rec: Records) -> dict[str, Any]:
    """The export's columns that carry no mess, as Arrow strings.

    These are ``ID Keluarga P3KE``, ``NIK Kepala Keluarga``, ``Nama Kepala
    Keluarga``, ``Alamat``, ``RT``, ``RW``, ``Kecamatan``, ``Kabupaten/Kota``,
    ``Jumlah Anggota Keluarga``, the eight dimension headers, ``Penerima PKH`` and
    ``Penerima BPNT``.
    """
    vill, att = rows.village, rec.att
    columns: dict[str, Any] = {
        "ID Keluarga P3KE": rec.ids,
        "NIK Kepala Keluarga": pad(rec.nik, 16),
        "Nama Kepala Keluarga": rec.name,
        "Alamat": rec.address,
        "RT": take([f"{i:03d}" for i in range(16)], rows.rt),
        "RW": take([f"{i:03d}" for i in range(9)], rows.rw),
        "Kecamatan": take(villages.kecamatan.tolist(), vill),
        "Kabupaten/Kota": take(villages.kabkota.tolist(), vill),
        "Jumlah Anggota Keluarga": take([str(i) for i in range(9)], att.members),
    }
    for j, (_, header, dep_l, _dw, ok_l, _ow, _r1, _r10) in enumerate(DIMENSIONS):
        columns[header] = take(dep_l + ok_l, att.dims[j])
    columns["Penerima PKH"] = take(("Tidak", "Ya"), att.pkh)
    columns["Penerima BPNT"] = take(("Tidak", "Ya"), att.bpnt)
    return columns
