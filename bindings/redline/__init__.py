"""redline: exact, ellipsoidal, deterministic land-use x planning-layer analysis.

Every function runs the same engine as the ``redline`` command line tool and gives the same
numbers (and, with ``output=``, the same file bytes). Areas are in m2 on the CGCS2000/GRS80
ellipsoid; results do not depend on ``threads``.

Functions
---------
zonal(raster, zones, ...)      area of every land-use class inside every zone -> DataFrame
change(t0, t1, zones, ...)     transition matrix and violation patches -> (matrix, patches)
area(layer, ...)               ellipsoidal polygon areas, union (dissolve) areas -> DataFrame
conflicts(layers, ...)         overlaps between planning layers -> DataFrame
validate(layer, ...)           geometry and CRS problems per feature -> DataFrame
shoreline(lines, ...)          natural-shoreline share with geodesic lengths -> DataFrame
report(config, ...)            the national indicator report -> dict
sample(map, ...)               stratified random sample of a map for accuracy assessment -> GeoDataFrame
estimate(sample, ...)          areas and accuracies with confidence intervals -> (DataFrame, dict)
redline.distributed            zonal / change over a dask.distributed cluster, bit-identical

Errors arrive as ValueError (invalid input), OSError (I/O), NotImplementedError (unsupported)
and RuntimeError (internal), with the command line's message text. Ctrl-C cancels a running
call cleanly (KeyboardInterrupt). Every function also takes ``cancel=``, a callable returning
True to stop (polled every 100 ms on the calling thread, e.g. ``threading.Event().is_set`` or a
GUI's "cancelled?" flag): the engine stops at its next check and the call raises
:class:`Cancelled`, with no result and no output file. The GIL is released while the engine works.
"""
import json
import os
import sys
import warnings as _warnings

import pandas as _pd

from . import _core

__all__ = ["zonal", "change", "area", "conflicts", "validate", "shoreline", "tabulate", "report", "sample",
           "estimate", "version", "RedlineWarning", "Cancelled"]

#: Raised when the ``cancel=`` callable returned True: the engine stopped; nothing was written.
Cancelled = _core.Cancelled


class RedlineWarning(UserWarning):
    """A warning from the engine (the command line prints it as 'warning: ...')."""


def version():
    """Engine and library versions, e.g. {'engine': 'redline 0.1.0', 'libraries': [...]}."""
    return json.loads(_core.provenance())


# ----------------------------------------------------------------------------- helpers

def _progress_callback(progress):
    """None, a tqdm bar (progress=True; a plain stderr line without tqdm) or the user's callable
    f(done, total, label) -- called from the calling thread, never inside the engine."""
    if progress is None or progress is False:
        return None, None
    if callable(progress):
        return progress, None
    try:
        from tqdm import tqdm  # noqa: F401
        state = {}

        def cb(done, total, label):
            bar = state.get(label)
            if bar is None:
                bar = state[label] = tqdm(total=total, desc=label, unit="cell", unit_scale=True)
            bar.update(done - bar.n)

        def close():
            for bar in state.values():
                bar.close()
        return cb, close
    except ImportError:  # pragma: no cover - tqdm is a Debian package away
        def cb(done, total, label):
            pct = 100.0 * done / total if total else 100.0
            sys.stderr.write(f"\r{label} {pct:5.1f}%")
            if done >= total:
                sys.stderr.write("\n")
        return cb, None


def _run_with_progress(fn, progress):
    cb, close = _progress_callback(progress)
    try:
        return fn(cb)
    finally:
        if close:
            close()


def _emit_warnings(messages):
    """The engine's warnings as RedlineWarning, with their options named as Python names them
    (``densify=``, core/option_name.hpp)."""
    for m in messages:
        _warnings.warn(_core.render_for_python(m), RedlineWarning, stacklevel=3)


def _path(p):
    return os.fspath(p) if isinstance(p, os.PathLike) else p


def _threads(threads):
    return 0 if threads is None else int(threads)


def _is_geodataframe(obj):
    return type(obj).__name__ == "GeoDataFrame" and hasattr(obj, "geometry")


def _zone_options(zones, id, dissolve_by, zones_crs):
    """Zones as a path, a GeoDataFrame or a sequence of shapely geometries / WKB bytes."""
    zones = _path(zones)
    if isinstance(zones, str):
        return {"zones": zones}
    if _is_geodataframe(zones):
        gdf = zones
        wkb = [None if g is None or g.is_empty else g.wkb for g in gdf.geometry]
        if id is not None:
            if id not in gdf.columns:
                raise ValueError(f"GeoDataFrame has no column '{id}' (id=); its columns are: {', '.join(map(str, gdf.columns))}")
            ids = [str(v) for v in gdf[id]]
        else:
            ids = [str(v) for v in gdf.index]
        groups = None
        if dissolve_by is not None:
            if dissolve_by not in gdf.columns:
                raise ValueError(f"GeoDataFrame has no column '{dissolve_by}' (dissolve_by=)")
            groups = [str(v) for v in gdf[dissolve_by]]
        crs = zones_crs
        if crs is None and gdf.crs is not None:
            crs = gdf.crs.to_wkt()
        return {"zone_wkb": wkb, "zone_ids": ids, "zone_groups": groups, "zones_crs_wkt": crs,
                "zones_label": "GeoDataFrame"}
    if isinstance(zones, (list, tuple)):
        if dissolve_by is not None:
            raise ValueError("dissolve_by needs zones with attributes (a path or a GeoDataFrame)")
        wkb = []
        for g in zones:
            if g is None:
                wkb.append(None)
            elif isinstance(g, (bytes, bytearray, memoryview)):
                wkb.append(bytes(g))
            elif hasattr(g, "wkb"):
                wkb.append(g.wkb)
            else:
                raise ValueError(f"zones: expected shapely geometries or WKB bytes, got {type(g).__name__}")
        return {"zone_wkb": wkb, "zone_ids": [str(i) for i in range(len(wkb))], "zones_crs_wkt": zones_crs,
                "zones_label": "zones"}
    raise ValueError(f"zones: expected a path, a GeoDataFrame or a list of polygons, got {type(zones).__name__}")


def _frame(columns, meta_json, warnings_list, summary_json=None):
    df = _pd.DataFrame(columns)
    df.attrs["meta"] = json.loads(meta_json)
    if summary_json is not None:
        df.attrs["summary"] = json.loads(summary_json)
    # As in the files' metadata ("warnings"): the CLI's words, the same text from both front ends.
    df.attrs["warnings"] = [_core.render_for_cli(w) for w in warnings_list]
    return df


def _table_frame(table):
    return _frame(table.columns(), table.meta_json(), table.warnings(), table.summary_json())


# ----------------------------------------------------------------------------- raster inputs
#
# A raster argument is a path, a rasterio dataset (read by its path), a numpy array (with
# transform= and crs=), or an xarray.DataArray: 2-D (y, x), or 3-D with one more dimension
# (time, band, ...) whose slices are rasters on one grid. A DataArray's grid comes from
# transform=, else rioxarray's .rio.transform(), else its regular x/y coordinates; its CRS from
# crs=, else .rio.crs; its nodata from nodata=, else .rio.nodata (or _FillValue). A Dask-backed
# DataArray (or a bare Dask array) is never loaded whole: the engine reads it tile by tile,
# computing only the chunks of each tile (tiles are aligned to the chunks).

_X_DIMS = ("x", "lon", "longitude")
_Y_DIMS = ("y", "lat", "latitude")
# A coordinate may differ from the cell centre the grid puts there by this share of a cell (the
# rounding of coordinates computed as x0 + (i + 0.5) dx); anything more is not a regular grid.
_COORD_TOLERANCE = 1e-6


def _is_dataarray(obj):
    return type(obj).__name__ == "DataArray" and hasattr(obj, "dims") and hasattr(obj, "coords")


def _is_rasterio_dataset(obj):
    return type(obj).__module__.startswith("rasterio") and hasattr(obj, "transform") and hasattr(obj, "name")


def _is_dask_array(obj):
    return type(obj).__module__.startswith("dask") and hasattr(obj, "chunks") and hasattr(obj, "compute")


def _crs_text(crs):
    """crs= as the engine parses it: text, or a rasterio / pyproj CRS object."""
    if crs is None or isinstance(crs, str):
        return crs
    if hasattr(crs, "to_wkt"):
        return crs.to_wkt()
    return str(crs)


def _authority_or_wkt(wkt):
    """"EPSG:n" for a WKT that is exactly that EPSG CRS (pyproj's match at confidence 100), so that
    the engine builds the CRS from the EPSG database as it does for a GeoTIFF with that code (the
    same CRS text, hence e.g. the same map digest in sample/estimate); else the WKT itself."""
    try:
        import pyproj
        code = pyproj.CRS.from_wkt(wkt).to_epsg(min_confidence=100)
    except Exception:  # noqa: BLE001 - pyproj missing or the WKT unknown to it: the engine parses the WKT
        code = None
    return f"EPSG:{code}" if code is not None else wkt


def _transform_tuple(transform, what="transform"):
    """GDAL order (x0, dx, 0, y0, 0, dy) from a 6-sequence or an affine.Affine."""
    if transform is None:
        return None
    if hasattr(transform, "to_gdal"):
        transform = transform.to_gdal()
    t = tuple(float(v) for v in transform)
    if len(t) != 6:
        raise ValueError(f"{what} must have 6 numbers (x0, dx, 0, y0, 0, dy), or be an affine.Affine")
    return t


def _native(array):
    """A C-contiguous array in this machine's byte order (copied only when it is not)."""
    import numpy as np
    array = np.asarray(array)
    if array.dtype.byteorder not in "=|":
        array = array.astype(array.dtype.newbyteorder("="))
    if not array.flags["C_CONTIGUOUS"]:
        array = np.ascontiguousarray(array)
    return array


def _check_integer_dtype(dtype, what):
    import numpy as np
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu":
        hint = (" (rioxarray's masked=True turns nodata into NaN: open with masked=False, or fill and convert: "
                "da.fillna(NODATA).astype('int32') with nodata=NODATA)") if dtype.kind == "f" else ""
        raise ValueError(f"{what} has dtype {dtype}: a land-use raster must hold integer class codes; convert it "
                         f"with .astype(numpy.int16) if its values are whole numbers{hint}")


def _dataarray_dims(da, what):
    """(stack dim or None, y dim, x dim) of a 2-D or 3-D DataArray."""
    dims = tuple(str(d) for d in da.dims)
    xdim = next((d for d in _X_DIMS if d in dims), None)
    ydim = next((d for d in _Y_DIMS if d in dims), None)
    if hasattr(da, "rio"):  # rioxarray's own choice (it knows more names)
        try:
            xdim, ydim = str(da.rio.x_dim), str(da.rio.y_dim)
        except Exception:  # noqa: BLE001 - rioxarray raises its own MissingSpatialDimensionError
            pass
    if xdim is None or ydim is None or xdim not in dims or ydim not in dims:
        raise ValueError(f"{what}: a DataArray needs an x and a y dimension (named x/y, lon/lat or "
                         f"longitude/latitude), got dimensions {dims}")
    others = [d for d in dims if d not in (xdim, ydim)]
    if len(others) > 1:
        raise ValueError(f"{what}: a DataArray must be 2-D (y, x) or 3-D with one more dimension such as "
                         f"time or band (one job per slice), got dimensions {dims}; select or stack the others")
    return (others[0] if others else None), ydim, xdim


def _coordinate_grid(da, dim, what):
    """(origin, step) of a cell-centre coordinate vector, checked to be regular."""
    import numpy as np
    v = np.asarray(da[dim].values, dtype=float)
    n = v.size
    if n < 2:
        raise ValueError(f"{what}: the {dim} coordinate has {n} value(s), too few to tell the cell size; give "
                         "transform= (or a DataArray with rioxarray's transform)")
    step = (v[-1] - v[0]) / (n - 1)
    if not np.isfinite(step) or step == 0:
        raise ValueError(f"{what}: the {dim} coordinates are not a regular grid (first {v[0]!r}, last {v[-1]!r})")
    _check_coordinates(v, v[0] - step / 2, step, dim, what)
    return v[0] - step / 2, step


def _check_coordinates(v, origin, step, dim, what):
    import numpy as np
    expected = origin + (np.arange(v.size) + 0.5) * step
    off = np.abs(v - expected)
    bad = np.flatnonzero(~(off <= _COORD_TOLERANCE * abs(step)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{what}: the {dim} coordinates are not a regular grid of step {step!r}: {dim}[{i}] = "
                         f"{v[i]!r}, the grid puts a cell centre at {expected[i]!r}; redline needs equally spaced "
                         "cell centres (resample the array onto a regular grid first)")


def _dataarray_georef(da, ydim, xdim, transform, crs, nodata, what):
    """(GDAL transform, CRS text, nodata) of a DataArray, checked against its coordinates."""
    import numpy as np
    has_rio = hasattr(da, "rio")
    t = _transform_tuple(transform)
    stored = False  # a GeoTransform in the grid-mapping variable (rioxarray / GDAL's netCDF convention)
    if has_rio:
        try:
            gm = da.rio.grid_mapping
            stored = gm in da.coords and "GeoTransform" in da.coords[gm].attrs
        except Exception:  # noqa: BLE001
            stored = False
    # rioxarray's transform only from coordinates or a stored GeoTransform (without either it
    # returns a unit grid, which would be a silent guess).
    if t is None and has_rio and (stored or (xdim in da.coords and ydim in da.coords)):
        try:
            t = _transform_tuple(da.rio.transform())
        except Exception:  # noqa: BLE001 - no usable coordinates or attributes: try the coordinates ourselves
            t = None
    if t is None:
        if xdim not in da.coords or ydim not in da.coords:
            raise ValueError(f"{what}: the DataArray has no {xdim}/{ydim} coordinates and no transform (rioxarray); "
                             "give transform=(x0, dx, 0, y0, 0, dy)")
        x0, dx = _coordinate_grid(da, xdim, what)
        y0, dy = _coordinate_grid(da, ydim, what)
        t = (x0, dx, 0.0, y0, 0.0, dy)
    if t[2] != 0 or t[4] != 0:
        raise ValueError(f"{what}: a rotated transform is not supported; warp the array to a north-up grid")
    for dim, origin, step in ((xdim, t[0], t[1]), (ydim, t[3], t[5])):
        if dim in da.coords and da[dim].size > 0:
            _check_coordinates(np.asarray(da[dim].values, dtype=float), origin, step, dim, what)
    crs_text = _crs_text(crs)
    if crs_text is None and has_rio:
        rio_crs = da.rio.crs
        crs_text = _authority_or_wkt(rio_crs.to_wkt()) if rio_crs is not None else None
    if crs_text is None:
        raise ValueError(f"{what}: the DataArray has no CRS (no rioxarray .rio.crs); give crs= (e.g. 'EPSG:4490'), "
                         "or its cell areas are unknown")
    if nodata is None:
        if has_rio:
            nodata = da.rio.nodata
        else:
            nodata = da.attrs.get("_FillValue", da.encoding.get("_FillValue"))
        if nodata is not None and isinstance(nodata, float) and not np.isfinite(nodata):
            nodata = None  # NaN cannot mark cells of an integer array
    return t, crs_text, nodata


class _DaskWindows:
    """Windows of a (slices, y, x) Dask array, computed when the engine's worker threads read
    them. A spatial chunk is computed once, for all slices (the engine reads every slice of a tile
    in turn), and kept in a small LRU cache, so that tiles smaller than a chunk, or not aligned to
    it, do not compute it again; concurrent readers of one chunk wait for a single computation."""

    _CACHE_BYTES = 512 * 2 ** 20  # chunks kept: as many as fit here, at least 2 and at most 2 x cores

    def __init__(self, darr, dtype):
        import collections
        import threading
        import numpy as np
        self._darr = darr
        self._dtype = dtype
        self._rows = np.cumsum((0,) + tuple(darr.chunks[1]))
        self._cols = np.cumsum((0,) + tuple(darr.chunks[2]))
        chunk_bytes = darr.shape[0] * max(darr.chunks[1]) * max(darr.chunks[2]) * dtype.itemsize
        self._keep = max(2, min(2 * (os.cpu_count() or 1), self._CACHE_BYTES // max(1, chunk_bytes)))
        self._cache = collections.OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # chunks computed (tests)

    def _chunk(self, i, j):
        import threading
        import numpy as np
        with self._lock:
            entry = self._cache.get((i, j))
            owner = entry is None
            if owner:
                entry = self._cache[(i, j)] = [threading.Event(), None, None]
            else:
                self._cache.move_to_end((i, j))
        if owner:
            try:
                block = self._darr[:, self._rows[i]:self._rows[i + 1], self._cols[j]:self._cols[j + 1]]
                entry[1] = np.ascontiguousarray(block.compute(), dtype=self._dtype)
                self.computed += 1
            except BaseException as e:  # noqa: BLE001 - handed to every reader of the chunk
                entry[2] = e
            finally:
                entry[0].set()
            with self._lock:
                while len(self._cache) > self._keep:
                    oldest = next(iter(self._cache))
                    if oldest == (i, j) or not self._cache[oldest][0].is_set():
                        break
                    self._cache.popitem(last=False)
        else:
            entry[0].wait()
        if entry[2] is not None:
            raise entry[2]
        return entry[1]

    def fetcher(self, k):
        import numpy as np

        def fetch(row0, col0, rows, cols):
            r1, c1 = row0 + rows, col0 + cols
            i0 = int(np.searchsorted(self._rows, row0, side="right")) - 1
            i1 = int(np.searchsorted(self._rows, r1, side="left"))
            j0 = int(np.searchsorted(self._cols, col0, side="right")) - 1
            j1 = int(np.searchsorted(self._cols, c1, side="left"))
            if i1 - i0 == 1 and j1 - j0 == 1:  # inside one chunk (tiles aligned to chunks)
                block = self._chunk(i0, j0)
                a, b = row0 - self._rows[i0], col0 - self._cols[j0]
                return np.ascontiguousarray(block[k, a:a + rows, b:b + cols])
            out = np.empty((rows, cols), dtype=self._dtype)
            for i in range(i0, i1):
                for j in range(j0, j1):
                    block = self._chunk(i, j)
                    ra, rb = max(row0, self._rows[i]), min(r1, self._rows[i + 1])
                    ca, cb = max(col0, self._cols[j]), min(c1, self._cols[j + 1])
                    out[ra - row0:rb - row0, ca - col0:cb - col0] = \
                        block[k, ra - self._rows[i]:rb - self._rows[i], ca - self._cols[j]:cb - self._cols[j]]
            return out
        return fetch


def _tile_block(chunks, tile):
    """The block size the engine aligns its tiles to along one axis of a Dask array: the chunk,
    or the largest part chunk / k that is at least `tile` (k dividing the chunk), so that a chunk
    much larger than a tile is still cut into whole tiles (the engine does not align tiles to
    blocks of more than 4 tiles; exec/tile_plan.hpp)."""
    chunk = int(chunks[0])
    if any(int(c) != chunk for c in chunks[:-1]) or tile is None or tile <= 0:
        return chunk  # irregular chunks: no alignment to promise
    for k in range(max(1, chunk // int(tile)), 0, -1):
        if chunk % k == 0:
            return chunk // k
    return chunk


def _array_specs(data, t, crs_text, nodata, what, tile=1024):
    """Raster specs (bind_inputs.hpp) of a (slices, y, x) numpy or Dask array."""
    import numpy as np
    if _is_dask_array(data):
        _check_integer_dtype(data.dtype, what)
        dtype = np.dtype(data.dtype).newbyteorder("=")
        windows = _DaskWindows(data, dtype)
        chunks = (_tile_block(data.chunks[1], tile), _tile_block(data.chunks[2], tile))
        return [{"fetch": windows.fetcher(k), "dtype": dtype, "shape": tuple(int(n) for n in data.shape[1:]),
                 "chunks": chunks, "transform": t, "crs": crs_text, "nodata": nodata}
                for k in range(data.shape[0])]
    data = np.asarray(data)
    _check_integer_dtype(data.dtype, what)
    data = _native(data)  # slices of a C-contiguous (slices, y, x) array are C-contiguous views
    return [{"array": data[k], "transform": t, "crs": crs_text, "nodata": nodata} for k in range(data.shape[0])]


def _raster_inputs(raster, band, transform, crs, nodata, what="raster", tile=1024):
    """The rasters of an argument: (specs, stack) where stack is None for one raster, else
    (column name, the column's values, their text for files) -- values None: the engine's names
    (file name stems of a list of paths)."""
    raster = _path(raster)
    if isinstance(raster, str):
        return [{"raster": raster, "band": band}], None
    if _is_rasterio_dataset(raster):
        if getattr(raster, "closed", False):
            raise ValueError(f"{what}: the rasterio dataset '{raster.name}' is closed")
        return [{"raster": raster.name, "band": band}], None
    if isinstance(raster, (list, tuple)) and raster and all(
            isinstance(_path(r), str) or _is_rasterio_dataset(r) for r in raster):
        specs = []
        for r in raster:
            specs.extend(_raster_inputs(r, band, None, None, None, what)[0])
        return specs, (("raster", None, None) if len(specs) > 1 else None)
    if _is_dataarray(raster):
        stack, ydim, xdim = _dataarray_dims(raster, what)
        t, crs_text, nd = _dataarray_georef(raster, ydim, xdim, transform, crs, nodata, what)
        order = (stack, ydim, xdim) if stack else (ydim, xdim)
        da = raster.transpose(*order) if tuple(raster.dims) != order else raster
        data = da.data
        if stack is None:
            data = data[None, ...]
        specs = _array_specs(data, t, crs_text, nd, what, tile)
        if stack is None:
            return specs, None
        if stack in ("zone", "class", "area_m2", "share", "class_name", "cells", "area_model", "ellipsoid"):
            raise ValueError(f"{what}: the DataArray's dimension '{stack}' would name a column that the table "
                             "already has; rename it (da.rename({...}))")
        import numpy as np
        values = np.asarray(da[stack].values) if stack in da.coords else np.arange(len(specs))
        text = [str(v) for v in _pd.Index(values).astype(str)]
        return specs, (stack, values, text)
    if _is_dask_array(raster):
        if raster.ndim != 2:
            raise ValueError(f"{what}: a Dask array must be 2-D (rows, cols), got {raster.ndim} dimensions "
                             "(a 3-D stack: give an xarray.DataArray with a time or band dimension)")
        specs = _array_specs(raster[None, ...], _transform_tuple(transform), _crs_text(crs), nodata, what, tile)
        for spec in specs:
            if spec["transform"] is None:
                raise ValueError("a raster array needs transform=(x0, dx, 0, y0, 0, -dy) (GDAL order)")
        return specs, None
    return None, None  # a numpy array (or anything numpy takes): the engine's own checks


# ----------------------------------------------------------------------------- zonal

def _memory(max_memory):
    """max_memory as the engine parses it: bytes (int) or a size such as "2G"."""
    return "" if max_memory is None else str(max_memory)


def _zonal_options(raster, zones, id, mode, dissolve, dissolve_by, classes, threads, band, tile_size, reproject,
                   make_valid, zones_crs, densify, transform, crs, nodata, max_memory=None, encoding=None):
    import numpy as np
    opts = {"id": id, "mode": mode, "dissolve": dissolve, "dissolve_by": dissolve_by, "classes": classes,
            "threads": _threads(threads), "tile_size": tile_size, "reproject": reproject, "make_valid": make_valid,
            "zones_crs": zones_crs if isinstance(zones_crs, str) and not _is_geodataframe(zones) else None,
            "densify": densify, "band": band, "max_memory": _memory(max_memory), "encoding": encoding}
    array = None
    raster = _path(raster)
    specs, stack = _raster_inputs(raster, band, transform, crs, nodata, tile=tile_size)
    if specs is not None and len(specs) == 1 and "raster" in specs[0]:
        opts["raster"] = specs[0]["raster"]
    elif specs is not None:
        array = specs
        if stack is not None:
            opts["stack_column"] = stack[0]
            if stack[2] is not None:
                opts["stack_labels"] = stack[2]
            opts["_stack_values"] = stack[1]
    else:
        array = _native(raster)
        opts.update({"transform": _transform_tuple(transform), "crs": _crs_text(crs), "nodata": nodata})
    zopts = _zone_options(zones, id, dissolve_by, zones_crs)
    if "zone_wkb" in zopts and zopts.get("zone_ids") is not None and id is not None and not _is_geodataframe(zones):
        raise ValueError("id= names a field; a list of geometries has none (ids are 0, 1, ...)")
    opts.update(zopts)
    return opts, array


def _zonal_frame(rep, opts):
    """The zonal DataFrame; with several rasters the first column names each row's raster: the
    DataArray's coordinate values (time, band, ...) or the file name stems (raster)."""
    columns = rep.columns()
    index = columns.pop("raster_index", None)
    if index is not None:
        import numpy as np
        meta = json.loads(rep.meta_json())
        column = opts.get("stack_column", "raster")
        values = opts.get("_stack_values")
        if values is None:
            values = np.asarray([r[column] for r in meta["rasters"]], dtype=object)
        columns = {column: np.asarray(values)[np.asarray(index, dtype=np.int64)], **columns}
    return _frame(columns, rep.meta_json(), rep.warnings())


def zonal(raster, zones, id=None, mode="exact", dissolve=False, dissolve_by=None, classes=None, threads=None,
          progress=False, *, band=1, tile_size=1024, reproject=False, make_valid=False, zones_crs=None,
          densify=100.0, transform=None, crs=None, nodata=None, output=None, max_memory=None, encoding=None,
          cancel=None):
    """Area (m2, ellipsoidal) of every land-use class inside every zone.

    Parameters
    ----------
    raster : path, list of paths, rasterio dataset, xarray.DataArray, or 2-D numpy integer array
        A land-use raster with integer class codes. A rasterio dataset is read by its path
        (``band`` picks the band). A list of paths (or datasets) on one grid is one pass: the zones
        are prepared and rasterized once for all rasters, and a first column ``raster`` holds each
        row's file name stem (``redline zonal --raster A --raster B``). An ``xarray.DataArray``
        is 2-D ``(y, x)`` (or ``lat``/``lon``), or 3-D with one more dimension such as ``time``
        or ``band``: one raster per slice, in one pass as for a list, with a first column named
        after that dimension holding its coordinate values. Its grid is ``transform=``, else
        rioxarray's ``.rio.transform()``, else its x/y coordinates (cell centres; they must be
        equally spaced, to a millionth of a cell), its CRS ``crs=``, else ``.rio.crs``, its nodata
        ``nodata=``, else ``.rio.nodata`` (``_FillValue``); a DataArray without CRS, with
        irregular coordinates or with other dimensions is a ``ValueError`` naming the problem.
        A Dask-backed DataArray is never loaded whole: the engine reads it tile by tile (tiles
        aligned to its chunks), computing each tile's chunks when a worker thread needs them.
        For a numpy array give ``transform`` (GDAL order
        ``(x0, dx, 0, y0, 0, -dy)``, or an ``affine.Affine``), ``crs`` (e.g. ``"EPSG:4490"``, or a
        rasterio / pyproj CRS) and optionally ``nodata``; the
        array is read in place (copied only if it is not C-contiguous or not in this machine's byte
        order). Any integer dtype (int8 ... uint64); class codes are 32-bit signed integers
        (-2147483648..2147483647), and a cell outside that range that is not ``nodata`` (a uint32
        above 2147483647, a uint64 of 2**63 or more, ...) raises ``ValueError`` naming the value,
        its row and column. ``nodata`` is a whole number (int, numpy integer or integral float) that
        the dtype can hold and that lies in the class-code range; anything else is a
        ``ValueError``. Float and bool arrays are refused (``ValueError``).
    zones : path ``"PATH[:LAYER]"``, GeoDataFrame, or list of shapely polygons / WKB bytes
        A list of geometries is taken to be in the raster's CRS unless ``zones_crs`` is given; a
        GeoDataFrame carries its own CRS.
    id : field (or GeoDataFrame column) naming each zone; default the feature id (index).
    mode : ``"exact"`` (default) weights each cell by the exact area of its intersection with the
        polygon; ``"centroid"`` counts cells whose centre is inside (half-open edges);
        ``"all-touched"`` counts every cell the polygon covers any part of.
    dissolve / dissolve_by : union semantics: all features as one zone ``"all"``, or one zone per
        value of a field; a cell covered by overlapping polygons counts once.
    classes : ``"clcd"``, ``"worldcover"``, ``"globeland30"`` or a CSV path: adds ``class_name``.
    threads : worker threads (default all cores); results do not depend on it.
    progress : True for a progress bar (tqdm), or a callable ``f(done, total, label)``.
    output : also write the table as the CLI does (``.csv``, ``.json``, ``.gpkg``).
    max_memory : bytes or a size such as ``"2G"``: tiles shrink until the engine's memory model
        fits, else ``ValueError`` before any work (the CLI's ``--max-memory``).
    encoding : text encoding of shapefile attributes (the CLI's ``--encoding``), e.g. ``"CP936"``
        for GBK; it overrides the file's ``.cpg`` and language driver byte. By default a shapefile
        decodes as it declares, else as UTF-8, or as GB18030 (with a warning) when its text is
        not UTF-8 but is valid GB18030. Text that does not decode raises ``ValueError``.
    cancel : a callable returning True to stop the run (polled every 100 ms, before the start and
        while the engine works); the call then raises :class:`Cancelled` and writes nothing. The
        zone preparation does not stop midway: a request during it takes effect when it ends.

    Returns
    -------
    pandas.DataFrame with columns ``[raster | time | band, ]zone, class, area_m2, share[, class_name],
    cells, area_model, ellipsoid`` -- the CLI's rows (several rasters: each raster's rows in turn,
    equal to those of a run on it alone): zone order, ascending class code, ``nodata`` last. ``class``
    holds the raster value as text or ``"nodata"``. Cell areas are ellipsoidal on CGCS2000/GRS80:
    constant for equal-area CRSs, exact per row for geographic CRSs, per cell otherwise.
    ``df.attrs["meta"]`` holds the provenance (ellipsoid, area model, inputs, versions).
    """
    opts, array = _zonal_options(raster, zones, id, mode, dissolve, dissolve_by, classes, threads, band, tile_size,
                                 reproject, make_valid, zones_crs, densify, transform, crs, nodata, max_memory,
                                 encoding)
    job = _core.ZonalJob.prepare(opts, array, cancel)
    rep = _run_with_progress(lambda cb: job.run(cb, _threads(threads), cancel), progress)
    _emit_warnings(rep.warnings())
    if output is not None:
        rep.write(_path(output))
    return _zonal_frame(rep, opts)


# ----------------------------------------------------------------------------- change

def _single_raster(opts, name, raster, band, transform, crs, nodata, tile=1024):
    """Puts one raster argument into opts: a path as opts[name], anything else (numpy or Dask
    array, 2-D DataArray) as the raster spec opts[name + "_spec"]."""
    if raster is None:
        return
    specs, stack = _raster_inputs(raster, band, transform, crs, nodata, name, tile)
    if specs is None:  # a numpy array
        if transform is None:
            raise ValueError(f"{name}: a raster array needs transform=(x0, dx, 0, y0, 0, -dy) (GDAL order)")
        specs = [{"array": _native(raster), "transform": _transform_tuple(transform), "crs": _crs_text(crs),
                  "nodata": nodata}]
    if len(specs) != 1 or stack is not None:
        raise ValueError(f"{name}: expected one raster (a path, a rasterio dataset, a 2-D array or DataArray), got "
                         f"{len(specs)} (a stack of rasters is taken by zonal only)")
    if "raster" in specs[0]:
        opts[name] = specs[0]["raster"]
    else:
        opts[name] = None
        opts[name + "_spec"] = specs[0]


def _change_options(t0, t1, zones, id, preset, rules, classes, mmu_pixels, connectivity, permitted, mode, threads,
                    band, tile_size, reproject, make_valid, zones_crs, permitted_min_share, patch_geometry,
                    max_memory=None, encoding=None, transform=None, crs=None, nodata=None):
    zones = _path(zones)
    if not isinstance(zones, str):
        raise ValueError("change: zones must be a path 'PATH[:LAYER]'")
    rasters = {}
    _single_raster(rasters, "t0", t0, band, transform, crs, nodata, tile_size)
    _single_raster(rasters, "t1", t1, band, transform, crs, nodata, tile_size)
    return {**rasters, "zones": zones, "id": id, "preset": preset,
            "rules": _path(rules), "classes": classes, "mmu_pixels": mmu_pixels, "connectivity": connectivity,
            "permitted": _path(permitted), "mode": mode, "threads": _threads(threads), "band": band,
            "tile_size": tile_size, "reproject": reproject, "make_valid": make_valid, "zones_crs": zones_crs,
            "permitted_min_share": permitted_min_share, "patch_geometry": patch_geometry,
            "max_memory": _memory(max_memory), "encoding": encoding}


def _change_frames(rep, matrix_output=None, patches_output=None):
    return _change_tables_frames(rep.matrix(), rep.patches(), matrix_output, patches_output)


def _change_tables_frames(m, p, matrix_output, patches_output):
    _emit_warnings(m.warnings())
    if matrix_output is not None:
        m.write(_path(matrix_output))
    if patches_output is not None:
        p.write(_path(patches_output))
    return _table_frame(m), _table_frame(p)


def change(t0=None, t1=None, zones=None, id=None, preset="redline", rules=None, classes=None, mmu_pixels=4,
           connectivity=8, permitted=None, mode="exact", threads=None, progress=False, *, band=1, tile_size=1024,
           reproject=False, make_valid=False, zones_crs=None, permitted_min_share=0.5, matrix_output=None,
           patches_output=None, max_memory=None, encoding=None, cancel=None, transform=None, crs=None, nodata=None,
           t0_layer=None, t1_layer=None, class_field=None, dissolve=False, dissolve_by=None, mmu_m2=0.0,
           area_convention=None, on_overlap="error"):
    """What changed inside each zone between two dates (same grid).

    ``t0`` and ``t1``: each a path, a rasterio dataset, a 2-D ``xarray.DataArray`` (Dask-backed:
    read tile by tile) or a numpy array, as ``raster`` in :func:`zonal`; ``transform``, ``crs``
    and ``nodata`` apply to the arrays (a DataArray's own, from rioxarray, by default).

    Returns ``(matrix, patches)`` DataFrames with the CLI's columns: the transition matrix
    ``zone, from, to, area_m2, cells, from_name, to_name`` and the patches of cells breaking a rule
    (``preset="redline"``: natural -> built-up/cropland; ``"cropland"``: cropland -> other; or a YAML
    ``rules`` file) ``patch_id, zone, rule, from, to, pixels, area_m2, x, y, lon, lat, status,
    permitted_share, from_name, to_name``. Status is ``violation``, ``permitted`` (inside
    ``permitted`` polygons) or ``below-mmu`` (fewer than ``mmu_pixels`` cells). The per-rule
    summary is in ``patches.attrs["summary"]``. ``patches_output`` ending in ``.gpkg`` writes the
    patch polygons. ``max_memory``, ``encoding`` (zones and permitted) and ``cancel`` as in
    :func:`zonal`.

    Two land-use survey years instead of rasters (``redline change --t0-layer``): ``t0_layer`` and
    ``t1_layer`` (paths ``PATH[:LAYER]``, parcel boundaries may differ) with ``class_field`` (DLBM,
    codes kept as text). Same DataFrames and columns; the matrix holds the ellipsoidal area of
    zone ∩ parcel_t0 ∩ parcel_t1 (``cells`` = number of pieces, ``uncovered`` for ground only one
    year covers), patches are the flagged pieces dissolved per (zone, rule, from, to), one per
    connected polygon (``pixels`` = pieces), ``below-mmu`` under ``mmu_m2``. ``classes`` names
    the codes: "gbt21010" (the default for survey layers; rasters default to "clcd") or a CSV;
    ``rules``/``preset`` on code prefixes and survey groups; ``dissolve``, ``dissolve_by``,
    ``area_convention`` and ``on_overlap`` as in :func:`tabulate`; ``zones_crs`` is the CRS of
    layers that declare none.
    """
    gpkg = patches_output is not None and str(patches_output).lower().endswith(".gpkg")
    if t0_layer is not None or t1_layer is not None:
        if t0 is not None or t1 is not None:
            raise ValueError("change: give rasters t0 and t1, or survey layers t0_layer and t1_layer, not both")
        if t0_layer is None or t1_layer is None or not class_field:
            raise ValueError("change: t0_layer, t1_layer and class_field go together")
        opts = {"t0_layer": _path(t0_layer), "t1_layer": _path(t1_layer), "class_field": class_field,
                "zones": _path(zones), "id": id, "dissolve": dissolve, "dissolve_by": dissolve_by, "preset": preset,
                "rules": _path(rules), "classes": "gbt21010" if classes is None else str(classes),
                "mmu_m2": mmu_m2, "permitted": _path(permitted), "permitted_min_share": permitted_min_share,
                "area_convention": area_convention, "on_overlap": on_overlap, "patch_geometry": gpkg,
                "threads": _threads(threads), "reproject": reproject, "make_valid": make_valid,
                "layer_crs": zones_crs, "encoding": encoding}
        m, p = _run_with_progress(lambda cb: _core.survey_change(opts, cb, cancel), progress)
        return _change_tables_frames(m, p, matrix_output, patches_output)
    if t0 is None or t1 is None:
        raise ValueError("change: give the two dates, rasters t0 and t1 (or t0_layer and t1_layer)")
    opts = _change_options(t0, t1, zones, id, preset, rules, classes or "clcd", mmu_pixels, connectivity, permitted, mode,
                           threads, band, tile_size, reproject, make_valid, zones_crs, permitted_min_share, gpkg,
                           max_memory, encoding, transform, crs, nodata)
    job = _core.ChangeJob.prepare(opts, cancel)
    rep = _run_with_progress(lambda cb: job.run(cb, _threads(threads), cancel), progress)
    return _change_frames(rep, matrix_output, patches_output)


# ----------------------------------------------------------------------------- vector operations

def area(layer, id=None, dissolve=False, dissolve_by=None, within=None, threads=None, progress=False, *,
         reproject=False, make_valid=False, densify=100.0, layer_crs=None, output=None, encoding=None,
         cancel=None):
    """Ellipsoidal area (m2) of every polygon, or of the union of each group (``dissolve`` /
    ``dissolve_by``: columns ``group, area_m2, sum_m2, overlap_m2``); ``within`` clips to a boundary
    layer and adds ``share``. Same columns and numbers as ``redline area``. ``encoding`` as in
    :func:`zonal` (every layer); ``cancel`` as in :func:`zonal`."""
    opts = {"layer": _path(layer), "id": id, "dissolve": dissolve, "dissolve_by": dissolve_by,
            "within": _path(within), "threads": _threads(threads), "reproject": reproject,
            "make_valid": make_valid, "densify": densify, "layer_crs": layer_crs, "encoding": encoding}
    t = _run_with_progress(lambda cb: _core.area(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    if output is not None:
        t.write(_path(output))
    return _table_frame(t)


def conflicts(layers, id=None, min_area=1.0, self=False, threads=None, progress=False, *, reproject=False,
              make_valid=False, densify=100.0, layer_crs=None, output=None, encoding=None, cancel=None):
    """Overlaps between features of different layers (``layer_a, id_a, layer_b, id_b, area_m2``),
    ellipsoidal; overlaps under ``min_area`` m2 are slivers (counted in ``attrs["summary"]``).
    ``encoding`` as in :func:`zonal` (every layer); ``cancel`` as in :func:`zonal`."""
    ids = [] if id is None else ([id] if isinstance(id, str) else list(id))
    keep = output is not None and str(output).lower().endswith(".gpkg")
    opts = {"layers": [_path(x) for x in layers], "ids": ids, "min_area": min_area, "self": self,
            "keep_geometry": keep, "threads": _threads(threads), "reproject": reproject, "make_valid": make_valid,
            "densify": densify, "layer_crs": layer_crs, "encoding": encoding}
    t = _run_with_progress(lambda cb: _core.conflicts(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    if output is not None:
        t.write(_path(output))
    return _table_frame(t)


def validate(layer, id=None, threads=None, progress=False, *, layer_crs=None, min_overlap=0.0, output=None,
             encoding=None, cancel=None):
    """Problems per feature (invalid geometry with GEOS's reason, empty, non-polygonal, duplicates,
    overlaps, missing CRS, coordinates outside the CRS's area of use). An empty DataFrame means the
    layer is clean (the CLI exits 5 otherwise). ``encoding`` and ``cancel`` as in :func:`zonal`."""
    opts = {"layer": _path(layer), "id": id, "layer_crs": layer_crs, "min_overlap": min_overlap,
            "threads": _threads(threads), "encoding": encoding}
    t = _run_with_progress(lambda cb: _core.validate(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    if output is not None:
        t.write(_path(output))
    return _table_frame(t)


def tabulate(landuse, class_field, zones, id=None, deduct_field=None, dissolve=False, dissolve_by=None, classes=None,
             level=None, area_convention=None, on_overlap="error", threads=None, progress=False, *, max_examples=10,
             reproject=False, make_valid=False, densify=100.0, layer_crs=None, output=None, encoding=None,
             cancel=None, check_field=None, check_tolerance=None, check_output=None):
    """Class areas of a land-use survey layer (三调 DLTB parcels) inside zones: columns
    ``zone, class, area_m2, share, net_area_m2`` (then ``class_name, group, group_name`` with
    ``classes``, then ``parcels, area_convention``), a ``class == "uncovered"`` row per zone. Same
    options, columns and numbers as ``redline tabulate``: ``deduct_field`` (KCXS, in [0, 1)),
    ``classes`` ("gbt21010" or a CSV path), ``level`` (1 or 2), ``area_convention`` ("survey" or
    "geodesic"; default survey for a Gauss-Kruger layer), ``on_overlap`` ("error" or "first").
    ``check_field`` (e.g. "TBMJ") compares each parcel's recorded area with its own area in the
    survey convention: the parcels differing by more than ``check_tolerance`` (m2, or a pair
    ``(m2, relative)``; default ``(0.005, 1e-6)``, i.e. 0.005 m2 + 1e-6 x area) are a warning and
    the DataFrame ``df.attrs["check"]`` (columns ``parcel, class, field_m2, area_m2,
    difference_m2, relative_difference, tolerance_m2, x, y``; its summary in
    ``df.attrs["check"].attrs["summary"]``), written to ``check_output`` (.csv, .json, .gpkg)
    when given. ``encoding`` and ``cancel`` as in :func:`zonal`."""
    opts = {"landuse": _path(landuse), "class_field": class_field, "zones": _path(zones), "id": id,
            "deduct_field": deduct_field, "dissolve": dissolve, "dissolve_by": dissolve_by,
            "classes": None if classes is None else str(classes), "level": level,
            "area_convention": area_convention, "on_overlap": on_overlap, "max_examples": max_examples,
            "threads": _threads(threads), "reproject": reproject, "make_valid": make_valid, "densify": densify,
            "layer_crs": layer_crs, "encoding": encoding, "check_field": check_field,
            "check_tolerance": _check_tolerance(check_tolerance)}
    if check_output is not None and check_field is None:
        raise ValueError("check_output needs check_field (e.g. 'TBMJ')")
    t, check = _run_with_progress(lambda cb: _core.tabulate(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    if output is not None:
        t.write(_path(output))
    if check_output is not None:
        check.write(_path(check_output))
    df = _table_frame(t)
    if check is not None:
        df.attrs["check"] = _table_frame(check)
    return df


def _check_tolerance(tolerance):
    """check_tolerance as the engine parses it: "M2" or "M2,RELATIVE"."""
    if tolerance is None:
        return None
    if isinstance(tolerance, str):
        return tolerance
    if isinstance(tolerance, (tuple, list)):
        if len(tolerance) != 2:
            raise ValueError(f"check_tolerance: expected m2 or (m2, relative), got {tolerance!r}")
        return f"{float(tolerance[0])!r},{float(tolerance[1])!r}"
    return repr(float(tolerance))


def shoreline(lines, class_field=None, natural=None, estuary=None, raster=None, *, artificial=None,
              estuary_rule="total", artificial_classes=None, buffer_m=100.0, classes="clcd", mainland=None, by=None,
              by_id=None, target=35.0, land_side="left", reproject=False, make_valid=False, lines_crs=None,
              mainland_crs=None, by_crs=None, snap_m=50.0, by_snap_m=5000.0, piece_m=100.0, densify=100.0, band=1,
              threads=None, progress=False, output=None, encoding=None, cancel=None):
    """Mainland natural-shoreline share with geodesic lengths (``region, natural_m, artificial_m,
    estuary_m, total_m, natural_share_percent, ...``): region ``all`` first, then ``by`` regions.
    The options of ``redline shoreline``: ``artificial`` (values of ``class_field`` that are
    artificial; with it, a value in none of the three lists is an error), ``estuary_rule``
    ("total", "natural" or "excluded"), ``piece_m`` (longest piece, m), ``by_snap_m`` (a piece
    outside every region goes to the nearest one within this distance, m), ...
    ``encoding`` as in :func:`zonal` (lines, mainland and regions); ``cancel`` as in :func:`zonal`."""
    opts = {"lines": _path(lines), "class_field": class_field, "natural": natural, "estuary": estuary,
            "artificial": artificial, "estuary_rule": estuary_rule, "piece_m": piece_m, "by_snap_m": by_snap_m,
            "raster": _path(raster), "artificial_classes": [str(c) for c in (artificial_classes or [])],
            "buffer_m": buffer_m, "classes": classes, "mainland": _path(mainland), "by": _path(by), "by_id": by_id,
            "target": target, "land_side": land_side, "reproject": reproject, "make_valid": make_valid,
            "lines_crs": lines_crs, "mainland_crs": mainland_crs, "by_crs": by_crs, "snap_m": snap_m,
            "densify": densify, "band": band, "threads": _threads(threads), "encoding": encoding}
    t = _run_with_progress(lambda cb: _core.shoreline(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    if output is not None:
        t.write(_path(output))
    return _table_frame(t)


def report(config, output_dir=None, threads=None, progress=False, *, cancel=None):
    """Runs the indicator report of ``redline report --config`` and returns report.json as a dict
    (indicators with value, unit, target, comparator, pass, margin, year; regions; inputs with
    SHA-256 digests). With ``output_dir`` it also writes the report directory as the CLI does.
    ``cancel`` as in :func:`zonal`: it is polled while the indicators are computed; writing the
    directory (after them) is not interrupted, so a cancelled call has written nothing."""
    out = _run_with_progress(
        lambda cb: _core.report(_path(config), _path(output_dir), _threads(threads), cb, cancel), progress)
    return json.loads(out)


# ----------------------------------------------------------------------------- map accuracy

def _map_options(map, zones, id, threads, band, reproject, make_valid, zones_crs, encoding, t0=None, t1=None,
                 preset="redline", rules=None, classes="clcd", transform=None, crs=None, nodata=None):
    zones = _path(zones)
    if zones is not None and not isinstance(zones, str):
        raise ValueError("zones: sample and estimate take a path \"PATH[:LAYER]\"")
    rasters = {}
    for name, raster in (("map", map), ("t0", t0), ("t1", t1)):
        _single_raster(rasters, name, raster, band, transform, crs, nodata)
    return {"map": rasters.get("map"), "zones": zones, "id": id, "threads": _threads(threads), "band": band,
            "reproject": reproject, "make_valid": make_valid, "zones_crs": zones_crs, "encoding": encoding,
            "t0": rasters.get("t0"), "t1": rasters.get("t1"), "preset": preset, "rules": _path(rules),
            "classes": classes, **{k: v for k, v in rasters.items() if k.endswith("_spec")}}


def sample(map=None, size=None, target_se=None, zones=None, id=None, expected_users_accuracy=None,
           allocation="proportional", min_per_stratum=0, seed=0, threads=None, progress=False, *, t0=None, t1=None,
           preset="redline", rules=None, classes="clcd", default_users_accuracy=0.8, band=1, reproject=False,
           make_valid=False, zones_crs=None, encoding=None, output=None, cancel=None, transform=None, crs=None,
           nodata=None):
    """Stratified random sample of a map's cells for accuracy assessment, as ``redline sample``.

    Strata are the map's classes (within ``zones``, union of their polygons, when given), or with
    ``t0`` and ``t1`` instead of ``map`` the change categories of two dates (stratum k = the k-th
    rule of ``preset`` / ``rules`` the transition breaks, 0 = stable; ``attrs["design"]["stratum_names"]``). Give
    ``size`` (N) or ``target_se`` (target standard error of overall accuracy; then
    n = (sum_h W_h S_h / S)^2 with S_h = sqrt(U_h (1 - U_h)), U_h from ``expected_users_accuracy``
    ({class: U}, ``default_users_accuracy`` 0.8 for the others)). ``allocation``: proportional,
    equal or neyman; ``min_per_stratum`` raises rare strata. Cells are drawn without replacement,
    the same for a ``seed`` whatever ``threads``.

    Returns a GeoDataFrame (points at cell centres, the map's CRS) with the CLI's columns
    ``id, stratum, map_class, x, y, lon, lat, zone, reference`` (reference empty, to fill in);
    ``attrs["design"]`` holds the design (strata areas, n_h, seed, map digest) that
    :func:`estimate` checks. ``output`` (.gpkg or .csv) also writes the CLI's files, the design
    beside it as OUTPUT.design.json.

    ``map``, ``t0`` and ``t1`` may also be rasterio datasets, 2-D ``xarray.DataArray`` (Dask-backed:
    read tile by tile) or numpy arrays, as ``raster`` in :func:`zonal` (``transform``, ``crs``,
    ``nodata`` for arrays); the design's digest is that of the cells, so it matches the same map
    given as a file.
    """
    opts = _map_options(map, zones, id, threads, band, reproject, make_valid, zones_crs, encoding, t0, t1, preset,
                        rules, classes, transform, crs, nodata)
    opts.update({"size": 0 if size is None else int(size), "target_se": 0.0 if target_se is None else float(target_se),
                 "expected_users_accuracy": {int(k): float(v) for k, v in (expected_users_accuracy or {}).items()},
                 "default_users_accuracy": float(default_users_accuracy), "allocation": allocation,
                 "min_per_stratum": int(min_per_stratum), "seed": int(seed)})
    t = _run_with_progress(lambda cb: _core.sample(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    if output is not None:
        t.write(_path(output))
    meta = json.loads(t.meta_json())
    df = _pd.DataFrame(t.columns())
    df["reference"] = df["reference"].astype(object)
    import geopandas as _gpd
    gdf = _gpd.GeoDataFrame(df, geometry=_gpd.points_from_xy(df["x"], df["y"]), crs=meta["crs_wkt"] or None)
    gdf.attrs["design"] = json.loads(t.summary_json())
    gdf.attrs["warnings"] = [_core.render_for_cli(w) for w in t.warnings()]  # as _frame: the CLI's words
    return gdf


def estimate(sample, map=None, strata_areas=None, zones=None, stratum_field="stratum", reference_field="reference",
             confidence=0.95, threads=None, progress=False, *, t0=None, t1=None, preset="redline", rules=None,
             classes="clcd", design=None, allow_small=False, drop_unlabelled=False, allow_unmapped_reference=False,
             band=1, reproject=False, make_valid=False, zones_crs=None, encoding=None, output=None, json_output=None,
             cancel=None, transform=None, crs=None, nodata=None):
    """Error-adjusted class areas and map accuracy with confidence intervals, as ``redline estimate``.

    ``sample``: a labelled sample, as a path (GeoPackage, CSV, ``PATH[:LAYER]``) or a DataFrame /
    GeoDataFrame (e.g. from :func:`sample` with its ``reference`` column filled in; its
    ``attrs["design"]`` is then checked like the CLI's design file). Stratum areas come from
    ``map`` (with ``zones`` when the sample was drawn within zones) or from ``strata_areas``
    (a CSV path with columns stratum,area_m2, or a dict {stratum: area_m2}), or, for change strata,
    from ``t0``, ``t1`` (with ``preset`` / ``rules``, ``classes``) as in :func:`sample`. ``design``: a design
    file to check against (default: SAMPLE.design.json beside a path sample).

    Returns ``(table, results)``: the DataFrame with the CLI's columns ``class, map_area_m2,
    area_m2, area_ci95_m2, users_accuracy, users_accuracy_ci95, producers_accuracy,
    producers_accuracy_ci95`` (half-widths at ``confidence``; NaN when undefined) and the dict of
    ``--json`` (overall accuracy, standard errors, error matrix, n per stratum, estimator, design
    check). ``output`` / ``json_output`` write the CLI's files. Bad input raises ValueError with the
    CLI's message. ``map``, ``t0``, ``t1`` (and ``transform``, ``crs``, ``nodata``) as in :func:`sample`.
    """
    import tempfile
    opts = _map_options(map, zones, None, threads, band, reproject, make_valid, zones_crs, encoding, t0, t1, preset,
                        rules, classes, transform, crs, nodata)
    opts.update({"stratum_field": stratum_field, "reference_field": reference_field, "confidence": float(confidence),
                 "allow_small": allow_small, "drop_unlabelled": drop_unlabelled,
                 "allow_unmapped_reference": allow_unmapped_reference, "design": _path(design),
                 "output": _path(output), "json_output": _path(json_output)})
    design_from_attrs = False
    with tempfile.TemporaryDirectory(prefix="redline-estimate-") as tmp:
        sample = _path(sample)
        if isinstance(sample, _pd.DataFrame):
            frame = _pd.DataFrame(sample.drop(columns=[sample.geometry.name]) if _is_geodataframe(sample) else sample)
            path = os.path.join(tmp, "sample.csv")
            frame.to_csv(path, index=False)
            if design is None and "design" in sample.attrs:
                with open(path + ".design.json", "w", encoding="utf-8") as f:
                    json.dump(sample.attrs["design"], f)
                design_from_attrs = True
            sample = path
        opts["sample"] = sample
        if isinstance(strata_areas, dict):
            path = os.path.join(tmp, "strata.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("stratum,area_m2\n" + "".join(f"{int(k)},{float(v)!r}\n" for k, v in strata_areas.items()))
            strata_areas = path
        opts["strata_areas"] = _path(strata_areas)
        t = _run_with_progress(lambda cb: _core.estimate(opts, cb, cancel), progress)
    _emit_warnings(t.warnings())
    df = _pd.DataFrame(t.columns())
    df.attrs["warnings"] = [_core.render_for_cli(w) for w in t.warnings()]  # as _frame: the CLI's words
    results = json.loads(t.summary_json())
    if design_from_attrs and results["design_check"].get("checked"):
        results["design_check"]["design"] = "attrs['design']"
    return df, results
