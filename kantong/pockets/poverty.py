"""Who is poor (:func:`poor_mask`) and the figures per village (:func:`village_summary`)."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong._vocab import DEFAULT_POOR

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.geocode import GeocodeResult

__all__ = ["DEFAULT_POOR", "MPI_POOR", "poor_mask", "village_summary"]

#: ``--poor mpi``: multidimensionally poor by the Alkire–Foster score (issue #11), the
#: same as ``--poor mpi_poor``; ``mpi_score`` may be used in any expression too
MPI_POOR = "mpi"
_MPI_NAMES = ("mpi_score", "mpi_poor")


def _names(expr: str, names: tuple[str, ...]) -> bool:
    """Does ``expr`` name any of ``names`` (as a whole word, not inside backticks)?"""
    return any(re.search(rf"(?<![\w`]){re.escape(n)}(?![\w`])", expr) for n in names)


def _with_mpi(households: pd.DataFrame, expr: str) -> tuple[pd.DataFrame, str, bool]:
    """(frame, expression, uses the MPI): ``mpi`` means ``mpi_poor``; when the expression
    names ``mpi_score`` / ``mpi_poor`` and the frame lacks them, they are computed with the
    default configuration (:func:`kantong.measures.mpi_scores`; a configured MPI comes
    from :func:`kantong.measures.with_household_measures` before detection)."""
    text = "mpi_poor" if expr.strip().lower() == MPI_POOR else expr
    uses = _names(text, _MPI_NAMES)
    if uses and not all(n in households for n in _MPI_NAMES):
        from kantong.measures import mpi_scores

        scores = mpi_scores(households)
        households = households.assign(mpi_score=scores["mpi_score"].to_numpy(), mpi_poor=scores["mpi_poor"].array)
    return households, text, uses


def poor_mask(households: pd.DataFrame, expr: str = DEFAULT_POOR) -> pd.Series:
    """Which households are poor, by a pandas expression over the canonical columns.

    Rows whose desil is blank or unusable are never poor nor non-poor: they get NA
    and count in no rate. ``"mpi"`` (:data:`MPI_POOR`) means multidimensionally poor
    (``mpi_poor``, Alkire–Foster, :mod:`kantong.measures.mpi`); an expression over
    ``mpi_score`` / ``mpi_poor`` (``"mpi_score >= 0.5"``) works too, and there a row is
    NA when it has no score (no indicator observed) rather than when its desil is
    blank, unless the expression also names ``desil``.

    Parameters
    ----------
    households
        Canonical household columns (``GeocodeResult.households``). When an MPI
        expression is used and ``mpi_score`` / ``mpi_poor`` are not there, they are
        computed from the ``dep_`` columns with the default configuration.
    expr
        A :meth:`pandas.DataFrame.eval` expression, e.g. ``"desil <= 1"``,
        ``"desil <= 2 and dep_water"``, ``"mpi"`` or ``"mpi_score >= 0.5"``.

    Returns
    -------
    pandas.Series
        Nullable boolean, index-aligned with ``households``.

    Raises
    ------
    OptionError
        When the expression is invalid or does not give one true/false per household;
        a name that is no column is named, with the closest column ("desil?").

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"desil": pd.array([1, 2, None], dtype="Int64")})
    >>> poor_mask(hh).tolist()
    [True, False, <NA>]
    >>> dims = ["floor", "wall", "roof", "water", "sanitation", "electricity", "cooking", "education"]
    >>> hh2 = pd.DataFrame({f"dep_{d}": pd.array([i < 3, i < 1, None], dtype="boolean") for i, d in enumerate(dims)})
    >>> poor_mask(hh2.assign(desil=pd.array([9, None, 1], dtype="Int64")), "mpi").tolist()
    [True, False, <NA>]
    >>> from kantong._i18n import language
    >>> with language("en"):
    ...     poor_mask(hh, "desl <= 1")
    Traceback (most recent call last):
    kantong._errors.OptionError: poverty definition --poor 'desl <= 1': there is no column 'desl'
      -> did you mean 'desil'? e.g. --poor 'desil <= 1'
    """
    frame, text, uses_mpi = _with_mpi(households, expr)
    cols = [str(c) for c in frame.columns if not str(c).startswith("_")]
    try:
        value = frame.eval(text, engine="python")
    except Exception as err:
        unknown = _unknown_name(err)
        if unknown is not None:
            raise _unknown_column_error(expr, unknown, cols) from None
        raise OptionError(
            tr(
                "definisi miskin --poor '{e}' tidak valid: {m}",
                "invalid poverty definition --poor '{e}': {m}",
                e=expr,
                m=str(err).splitlines()[0] if str(err) else type(err).__name__,
            ),
            hint=tr(
                "gunakan ekspresi pandas atas kolom: {c} (mis. 'desil <= 1')",
                "use a pandas expression over the columns: {c} (e.g. 'desil <= 1')",
                c=", ".join(cols),
            ),
        ) from None
    if not isinstance(value, pd.Series) or len(value) != len(households):
        raise OptionError(
            tr(
                "definisi miskin --poor '{e}' tidak menghasilkan ya/tidak per keluarga",
                "poverty definition --poor '{e}' does not give a yes/no per household",
                e=expr,
            ),
            hint=tr("contoh: 'desil <= 1' atau 'desil <= 2'", "for example 'desil <= 1' or 'desil <= 2'"),
        )
    try:
        mask = value.astype("boolean")
    except (TypeError, ValueError):
        raise OptionError(
            tr(
                "definisi miskin --poor '{e}' bukan perbandingan ya/tidak",
                "poverty definition --poor '{e}' is not a yes/no comparison",
                e=expr,
            ),
            hint=tr("contoh: 'desil <= 1'", "for example 'desil <= 1'"),
        ) from None
    if uses_mpi:  # no score (no indicator observed): neither poor nor non-poor
        mask = mask.where(frame["mpi_score"].notna().to_numpy(), pd.NA)  # type: ignore[call-overload]
        if not _names(text, ("desil",)):
            return mask
    if "desil_status" in households:
        mask = mask.where(households["desil_status"].to_numpy() == "ok", pd.NA)  # type: ignore[call-overload]
    elif "desil" in households:
        mask = mask.where(households["desil"].notna(), pd.NA)  # type: ignore[call-overload]
    return mask


def _unknown_name(err: Exception) -> str | None:
    """The name pandas did not know (``name 'desl' is not defined``), if that was the error."""
    match = re.search(r"name '([^']+)' is not defined", str(err))
    return match.group(1) if isinstance(err, NameError) and match else None


def _unknown_column_error(expr: str, name: str, cols: list[str]) -> OptionError:
    """OptionError naming the unknown ``name`` of ``expr`` and the closest column."""
    lower = {c.lower(): c for c in reversed(cols)}
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    message = tr(
        "definisi miskin --poor '{e}': tidak ada kolom '{n}'",
        "poverty definition --poor '{e}': there is no column '{n}'",
        e=expr,
        n=name,
    )
    if close:
        guess = lower[close[0]]
        fixed = re.sub(rf"(?<![\w`]){re.escape(name)}(?![\w`])", guess, expr)
        hint = tr("maksud Anda '{g}'? mis. --poor '{f}'", "did you mean '{g}'? e.g. --poor '{f}'", g=guess, f=fixed)
    else:
        hint = tr("kolom yang ada: {c}", "the columns are: {c}", c=", ".join(cols))
    return OptionError(message, hint=hint)


def village_summary(
    result: GeocodeResult,
    *,
    poor: str | pd.Series = DEFAULT_POOR,
    pocket_id: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """Figures per village of the boundaries (kelurahan.geojson).

    Duplicates count once (their first occurrence); rows with blank desil count in
    ``n_households`` but in no rate.

    Returns
    -------
    geopandas.GeoDataFrame
        Every village of ``result.boundaries``: ``kode``, ``kelurahan``, ``kecamatan``,
        ``n_households``, ``n_ranked`` (households with a usable desil), ``n_poor``,
        ``rate`` (``n_poor / n_ranked``; NaN when no ranked household),
        ``n_unpositioned`` (placed by code or name, without a point), ``n_pockets``.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> city = make_city(seed=0, n_households=2_000)
    >>> vs = village_summary(geocode(city.households, city.boundaries))
    >>> len(vs) == len(city.boundaries)
    True
    """
    import geopandas as gpd

    hh = result.households
    bnd = result.boundaries
    mask = poor_mask(hh, poor) if isinstance(poor, str) else poor.astype("boolean")
    keep = (~hh["is_duplicate"].to_numpy()) & (hh["village"].to_numpy() >= 0)
    v = hh["village"].to_numpy()[keep]
    nb = len(bnd)
    ranked = mask.notna().to_numpy()[keep]
    is_poor = mask.fillna(False).to_numpy(dtype=bool)[keep]
    unpos = ~np.isfinite(hh["lat"].to_numpy(dtype="float64", na_value=np.nan))[keep]
    n_households = np.bincount(v, minlength=nb)
    n_ranked = np.bincount(v, weights=ranked, minlength=nb).astype(int)
    n_poor = np.bincount(v, weights=is_poor, minlength=nb).astype(int)
    n_unpos = np.bincount(v, weights=unpos, minlength=nb).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n_ranked > 0, n_poor / np.maximum(n_ranked, 1), np.nan)
    n_pockets = np.zeros(nb, dtype=int)
    if pocket_id is not None:
        pid = pocket_id.reindex(hh.index).fillna("").astype(str).to_numpy()[keep]
        has = pid != ""
        if has.any():
            pairs = pd.DataFrame({"v": v[has], "p": pid[has]}).drop_duplicates()
            counts = pairs.groupby("v").size()
            n_pockets[counts.index.to_numpy()] = counts.to_numpy()
    out = gpd.GeoDataFrame(
        {
            "kode": bnd["kode"].to_numpy(),
            "kelurahan": bnd["kelurahan"].to_numpy(),
            "kecamatan": bnd["kecamatan"].to_numpy(),
            "n_households": n_households,
            "n_ranked": n_ranked,
            "n_poor": n_poor,
            "rate": rate,
            "n_unpositioned": n_unpos,
            "n_pockets": n_pockets,
        },
        geometry=bnd.geometry.to_numpy(),
        crs=bnd.crs,
    )
    return out
