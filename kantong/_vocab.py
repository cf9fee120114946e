"""The vocabulary of a household register, defined once (HOUSEHOLDS.md).

Canonical columns and their accepted headers, the eight deprivation dimensions and the
labels that mean "deprived", the social-assistance programmes, the interventions that
remove deprivations, the default poverty definition, and every label a planner reads for
them. Every stage imports these names from here; nothing else defines them.
"""

from __future__ import annotations

from kantong._i18n import tr

#: the default poverty definition: the poorest national tenth (a *relative* rank)
DEFAULT_POOR = "desil <= 1"

#: canonical column -> accepted headers after :func:`kantong._normalize.header_key`,
#: in order of preference.
HOUSEHOLD_ALIASES: dict[str, tuple[str, ...]] = {
    "household_id": ("idkeluargap3ke", "idkeluarga", "idrumahtangga", "id", "nokk", "nokartukeluarga"),
    "nik": ("nik", "nikkepalakeluarga", "nikkk", "nikkrt"),
    "head_name": ("namakepalakeluarga", "nama", "kepalakeluarga", "namakk", "namakrt"),
    "address": ("alamat", "alamatlengkap"),
    "rt": ("rt",),
    "rw": ("rw",),
    "kelurahan": ("kelurahan", "desa", "desakelurahan", "namadesa", "namakelurahan", "kelurahandesa"),
    "kecamatan": ("kecamatan", "namakecamatan"),
    "kabkota": ("kabupatenkota", "kabkota", "kabupaten", "kota"),
    "kode_wilayah": ("kodewilayah", "kodedesa", "kodekemendagri", "kodekelurahan"),
    "lat": ("latitude", "lat", "lintang", "koordinaty"),
    "lon": ("longitude", "lon", "lng", "long", "bujur", "koordinatx"),
    "desil": ("desil", "desilkesejahteraan", "peringkatkesejahteraan", "desilnasional"),
    "members": ("jumlahanggotakeluarga", "jumlahart", "jmlart", "jumlahanggota"),
}

#: dimension -> (accepted headers, labels meaning "deprived")
DEPRIVATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "floor": (("jenislantai", "lantai"), ("tanah", "bambu", "kayu/papan kualitas rendah")),
    "wall": (
        ("jenisdinding", "dinding"),
        ("bambu", "anyaman bambu", "kayu/papan kualitas rendah", "lainnya"),
    ),
    "roof": (("jenisatap", "atap"), ("ijuk/rumbia", "lainnya")),
    "water": (
        ("sumberairminum", "airminum"),
        ("sumur tak terlindung", "mata air tak terlindung", "air sungai/danau/waduk", "air hujan", "lainnya"),
    ),
    "sanitation": (
        ("fasilitasbab", "fasilitasbuangairbesar", "jamban"),
        ("tidak ada", "bersama/komunal tanpa septic", "jamban umum"),
    ),
    "electricity": (("sumberpenerangan", "penerangan"), ("listrik non-pln", "bukan listrik")),
    "cooking": (("bahanbakarmemasak", "bahanbakar"), ("kayu bakar", "arang", "minyak tanah")),
    "education": (
        ("pendidikankk", "pendidikanterakhirkk", "ijazahtertinggi"),
        ("tidak/belum sekolah", "tidak tamat sd"),
    ),
}

#: programme -> accepted headers; canonical column ``recv_<programme>``
PROGRAMS: dict[str, tuple[str, ...]] = {
    "pkh": ("penerimapkh",),
    "bpnt": ("penerimabpnt",),
    "blt": ("penerimablt",),
    "pbijk": ("penerimapbijk",),
}

#: Columns kantong appends to a geocoded household table, in this order. A re-run on
#: kantong's own output replaces them instead of adding them twice.
KANTONG_COLUMNS: tuple[str, ...] = (
    "kode",
    "geocode_status",
    "geocode_note",
    "lon",
    "lat",
    "duplicate_of",
    "pocket_id",
    "mpi_score",
)

#: raw headers that hold personal data (NIK, names, addresses, family card numbers)
PERSONAL_CANONICAL = ("nik", "head_name", "address")

#: deprivation dimensions (HOUSEHOLDS.md), canonical columns ``dep_<dimension>``
DIMENSIONS: tuple[str, ...] = tuple(DEPRIVATIONS)

#: social-assistance programmes with a receipt flag (``recv_<programme>``)
PROGRAMMES: tuple[str, ...] = tuple(PROGRAMS)

#: the six interventions, in the order every table lists them
INTERVENTIONS: tuple[str, ...] = ("housing", "water", "sanitation", "electricity", "cooking", "education")

#: dimensions each intervention removes; one housing unit (BSPS renovation) fixes
#: whichever of floor, wall and roof the household lacks
INTERVENTION_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "housing": ("floor", "wall", "roof"),
    "water": ("water",),
    "sanitation": ("sanitation",),
    "electricity": ("electricity",),
    "cooking": ("cooking",),
    "education": ("education",),
}


def dimension_label(name: str, *, long: bool = False) -> str:
    """A deprivation dimension as a planner reads it, in the current language.

    ``long=False`` gives the short name used in spreadsheet headers (``lantai``),
    ``long=True`` the description used on the map (``lantai tanah/bambu``).

    Examples
    --------
    >>> dimension_label("floor")
    'lantai'
    >>> dimension_label("floor", long=True)
    'lantai tanah/bambu'
    """
    name = name.strip()
    if long:
        labels = {
            "floor": tr("lantai tanah/bambu", "earth or bamboo floor"),
            "wall": tr("dinding bambu/kayu rendah", "bamboo or poor wooden walls"),
            "roof": tr("atap ijuk/rumbia", "thatched roof"),
            "water": tr("air minum tak layak", "unsafe drinking water"),
            "sanitation": tr("tanpa jamban layak", "no proper toilet"),
            "electricity": tr("tanpa listrik PLN", "no grid electricity"),
            "cooking": tr("memasak dengan kayu/arang/minyak tanah", "cooking with wood, charcoal or kerosene"),
            "education": tr("KK tidak tamat SD", "head without primary school"),
        }
    else:
        labels = {
            "floor": tr("lantai", "floor"),
            "wall": tr("dinding", "wall"),
            "roof": tr("atap", "roof"),
            "water": tr("air minum", "drinking water"),
            "sanitation": tr("sanitasi", "sanitation"),
            "electricity": tr("listrik", "electricity"),
            "cooking": tr("bahan bakar memasak", "cooking fuel"),
            "education": tr("pendidikan", "education"),
        }
    return labels.get(name, name)


def intervention_label(name: str) -> str:
    """The planner's name of an intervention in the current language.

    Examples
    --------
    >>> intervention_label("housing")
    'Rumah (BSPS)'
    """
    labels = {
        "housing": tr("Rumah (BSPS)", "Housing (BSPS)"),
        "water": tr("Air minum", "Drinking water"),
        "sanitation": tr("Sanitasi (jamban)", "Sanitation (toilet)"),
        "electricity": tr("Listrik", "Electricity"),
        "cooking": tr("Bahan bakar memasak", "Clean cooking"),
        "education": tr("Pendidikan", "Education"),
    }
    return labels.get(name, name)


#: canonical column -> the header of a standard P3KE/DTSEN export, used where kantong
#: must name columns itself (many files of one region put together): each one is read
#: back as the same canonical column
EXPORT_HEADERS: dict[str, str] = {
    "household_id": "ID Keluarga P3KE",
    "nik": "NIK Kepala Keluarga",
    "head_name": "Nama Kepala Keluarga",
    "address": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "kelurahan": "Desa/Kelurahan",
    "kecamatan": "Kecamatan",
    "kabkota": "Kabupaten/Kota",
    "kode_wilayah": "Kode Wilayah",
    "lat": "Latitude",
    "lon": "Longitude",
    "desil": "Desil Kesejahteraan",
    "members": "Jumlah Anggota Keluarga",
    "dep_floor": "Jenis Lantai",
    "dep_wall": "Jenis Dinding",
    "dep_roof": "Jenis Atap",
    "dep_water": "Sumber Air Minum",
    "dep_sanitation": "Fasilitas BAB",
    "dep_electricity": "Sumber Penerangan",
    "dep_cooking": "Bahan Bakar Memasak",
    "dep_education": "Pendidikan KK",
    "recv_pkh": "Penerima PKH",
    "recv_bpnt": "Penerima BPNT",
    "recv_blt": "Penerima BLT",
    "recv_pbijk": "Penerima PBI JK",
}
