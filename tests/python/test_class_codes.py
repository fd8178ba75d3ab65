"""Class codes from numpy and from files at the extremes of every integer type (issue #15, item 5).

Class codes are 32-bit signed integers (-2147483648..2147483647). A cell value outside that range
that is not nodata is a ValueError naming the value (never wrapped: a uint64 2**64 - 1 is not the
class "-1"), its row and column, the dtype and the range; so is a nodata the dtype cannot hold or
that is not a class code -- never pybind11's cast error. The expected outcomes are derived here
with Python integers from numpy.iinfo, independently of the engine's range checks. The grid is
equal-area (CGCS2000 Albers) with 10 m cells, so full cells are exactly 100 m2."""
import math

import numpy as np
import pytest
from osgeo import gdal
from shapely.geometry import box

import redline
from redline_testkit import ALBERS, box_wkt, srs_of, write_layer, write_raster

X0, Y0 = 600000.0, 3600000.0
GT = (X0, 10.0, 0, Y0, 0, -10.0)
ROWS, COLS = 3, 4
ZONE = [box(X0, Y0 - 10 * ROWS, X0 + 10 * COLS, Y0)]  # the whole grid
CODE_LO, CODE_HI = -2**31, 2**31 - 1
INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


def candidates(dtype):
    """The dtype's extremes, -1, 0, 1 and the values around 2**31 and 2**63 it can hold."""
    info = np.iinfo(dtype)
    wanted = {int(info.min), int(info.min) + 1, int(info.max) - 1, int(info.max), -1, 0, 1,
              CODE_LO - 1, CODE_LO, CODE_HI, CODE_HI + 1, 2**63 - 1, 2**63}
    return sorted(v for v in wanted if info.min <= v <= info.max)


def areas(df):
    return dict(zip(df["class"], df["area_m2"]))


def zonal(arr, nodata=None):
    return redline.zonal(arr, ZONE, transform=GT, crs=ALBERS, nodata=nodata)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_zonal_cell_values_at_the_extremes_of_every_integer_dtype(dtype):
    name = np.dtype(dtype).name
    for v in candidates(dtype):
        arr = np.full((ROWS, COLS), 7, dtype=dtype)
        arr[1, 2] = v
        if CODE_LO <= v <= CODE_HI:
            got = areas(zonal(arr))
            want = {str(v): 100.0, "7": 1100.0} if v != 7 else {"7": 1200.0}
            assert got == want, (name, v)
        else:
            with pytest.raises(ValueError) as e:
                zonal(arr)
            m = str(e.value)
            assert f"class value {v} at row 1, column 2" in m, m
            assert f"({name})" in m and "-2147483648..2147483647" in m, m


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_zonal_nodata_at_the_extremes_of_every_integer_dtype(dtype):
    name = np.dtype(dtype).name
    info = np.iinfo(dtype)
    lo, hi = max(int(info.min), CODE_LO), min(int(info.max), CODE_HI)
    values = sorted({int(info.min), int(info.max), -1, 0, CODE_LO - 1, CODE_LO, CODE_HI, CODE_HI + 1,
                     2**63 - 1, 2**63, 2**64 - 2, 2**64 - 1, 2**64, -2**63 - 1})
    for nd in values:
        arr = np.full((ROWS, COLS), 7, dtype=dtype)
        if info.min <= nd <= info.max:
            arr[0, 0] = nd
            arr[2, 3] = nd
        if lo <= nd <= hi:
            got = areas(zonal(arr, nodata=nd))
            n = int((arr == nd).sum())
            assert got.get("nodata") == 100.0 * n and got.get("7", 0.0) == 100.0 * (12 - n), (name, nd, got)
        else:
            with pytest.raises(ValueError) as e:
                zonal(arr, nodata=nd)
            m = str(e.value)
            assert m.startswith(f"nodata={nd} cannot mark cells of a {name} raster array"), m
            assert f"{lo}..{hi}" in m and "-2147483648..2147483647" in m, m
    # numpy scalars and integral floats (rasterio reports nodata as a float) behave as the int.
    arr = np.full((ROWS, COLS), 7, dtype=dtype)
    arr[0, 0] = 0
    for nd in (np.uint64(0), np.int8(0), 0.0, np.float32(0.0)):
        assert areas(zonal(arr, nodata=nd))["nodata"] == 100.0, (name, repr(nd))
    with pytest.raises(ValueError, match=f"nodata=18446744073709551614 cannot mark cells of a {name}"):
        zonal(arr, nodata=np.uint64(2**64 - 2))


@pytest.mark.parametrize("nd", [2.5, math.nan, math.inf, True, np.bool_(False), "7", [7]], ids=repr)
def test_zonal_nodata_that_is_not_a_whole_number(nd):
    arr = np.full((ROWS, COLS), 7, dtype=np.uint8)
    with pytest.raises(ValueError) as e:
        zonal(arr, nodata=nd)
    assert str(e.value).startswith(f"nodata={nd} (") and "is not a whole number" in str(e.value)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.bool_, np.complex64],
                         ids=lambda d: np.dtype(d).name)
def test_zonal_refuses_float_bool_and_complex_arrays(dtype):
    arr = np.full((ROWS, COLS), 1, dtype=dtype)
    if np.dtype(dtype).kind in "fc":
        arr[0, 0] = np.nan  # NaN too: the dtype, not the values, is refused
    with pytest.raises(ValueError, match=f"raster array has dtype {np.dtype(dtype).name} .*integer class codes"):
        zonal(arr)


@pytest.mark.parametrize("dtype", [">i2", ">i4", ">u4", ">i8", ">u8", "<i8"])
def test_zonal_reads_arrays_in_either_byte_order(dtype):
    native = np.arange(ROWS * COLS, dtype=np.int64).reshape(ROWS, COLS) * 1000 + 5
    arr = native.astype(dtype)
    assert (arr == native).all()
    want = {str(v): 100.0 for v in native.ravel()}
    assert areas(zonal(arr)) == want
    if np.iinfo(arr.dtype).max >= 2**31:  # the scan reads the swapped values too
        arr[1, 2] = 2**31
        with pytest.raises(ValueError, match="class value 2147483648 at row 1, column 2"):
            zonal(arr)


def test_change_takes_arrays_with_their_grid_and_refuses_them_without(tmp_path):
    """change reads numpy arrays too (issue 20 §3), given their transform and CRS; without a
    transform the error says so, naming the date."""
    z = write_layer(tmp_path / "z.gpkg", "z", [ZONE[0].wkt], ALBERS)
    arr = np.full((ROWS, COLS), 7, dtype=np.uint8)
    path = write_raster(tmp_path / "t.tif", arr, GT, ALBERS)
    for t0, t1, which in ((arr, path, "t0"), (path, arr, "t1")):
        with pytest.raises(ValueError, match=f"{which}: a raster array needs transform="):
            redline.change(t0, t1, z)
        m, _ = redline.change(t0, t1, z, transform=GT, crs=ALBERS)
        expected, _ = redline.change(path, path, z)
        assert m.equals(expected)


GDAL_TYPES = [(gdal.GDT_Byte, np.uint8), (gdal.GDT_Int16, np.int16), (gdal.GDT_UInt16, np.uint16),
              (gdal.GDT_Int32, np.int32), (gdal.GDT_UInt32, np.uint32)]


@pytest.fixture(scope="module")
def zone_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("codes")
    return d, write_layer(d / "z.gpkg", "z", [box_wkt(X0, Y0 - 10 * ROWS, X0 + 10 * COLS, Y0)], ALBERS,
                          {"code": ["Z"]})


@pytest.mark.parametrize("gdal_type,dtype", GDAL_TYPES, ids=[gdal.GetDataTypeName(t) for t, _ in GDAL_TYPES])
def test_change_and_zonal_files_at_the_extremes_of_every_integer_type(zone_file, gdal_type, dtype):
    """The same rules for both dates of `change` (and for `zonal` of a file): a value of the type
    that is a class code is a class; a UInt32 above 2**31 - 1 is a ValueError naming it."""
    d, z = zone_file
    gname = gdal.GetDataTypeName(gdal_type)
    plain = write_raster(d / f"{gname}_plain.tif", np.full((ROWS, COLS), 7, dtype=dtype), GT, ALBERS, dtype=gdal_type)
    for v in candidates(dtype):
        if v == 7:
            continue
        arr = np.full((ROWS, COLS), 7, dtype=dtype)
        arr[1, 2] = v
        odd = write_raster(d / f"{gname}_{v}.tif", arr, GT, ALBERS, dtype=gdal_type)
        for t0, t1, key in ((odd, plain, (str(v), "7")), (plain, odd, ("7", str(v)))):
            if CODE_LO <= v <= CODE_HI:
                m, _ = redline.change(t0, t1, z, id="code")
                got = {(r["from"], r["to"]): r["area_m2"] for _, r in m.iterrows()}
                assert got == {key: 100.0, ("7", "7"): 1100.0}, (gname, v, got)
            else:
                with pytest.raises(ValueError) as e:
                    redline.change(t0, t1, z, id="code")
                assert f"holds the class value {v} ({gname})" in str(e.value), str(e.value)
                assert "-2147483648..2147483647" in str(e.value)
        if CODE_LO <= v <= CODE_HI:
            assert areas(redline.zonal(odd, z, id="code")) == {str(v): 100.0, "7": 1100.0}
        else:
            with pytest.raises(ValueError, match=f"class value {v} "):
                redline.zonal(odd, z, id="code")


@pytest.mark.parametrize("gdal_type", [gdal.GDT_Int64, gdal.GDT_UInt64], ids=["Int64", "UInt64"])
def test_64_bit_files_are_refused_by_type(zone_file, gdal_type):
    d, z = zone_file
    name = gdal.GetDataTypeName(gdal_type)
    path = write_raster(d / f"{name}.tif", np.full((ROWS, COLS), 7, dtype=np.int64), GT, ALBERS, dtype=gdal_type)
    with pytest.raises(NotImplementedError, match=f"is {name}: 64-bit class codes are not supported"):
        redline.change(path, path, z)


def test_signed_byte_files_are_refused(zone_file):
    """GDAL 3.6 has no Int8: a signed byte GeoTIFF is a Byte band flagged SIGNEDBYTE, read as 0..255
    (a -1 would be the class 255). It is refused, as the 64-bit types are, rather than misread."""
    d, z = zone_file
    arr = np.full((ROWS, COLS), 7, dtype=np.int8)
    arr[1, 2] = -1
    ds = gdal.GetDriverByName("GTiff").Create(str(d / "int8.tif"), COLS, ROWS, 1, gdal.GDT_Byte,
                                              ["PIXELTYPE=SIGNEDBYTE"])
    ds.SetGeoTransform(GT)
    ds.SetSpatialRef(srs_of(ALBERS))
    ds.GetRasterBand(1).WriteArray(arr.view(np.uint8))
    ds = None
    with pytest.raises(NotImplementedError, match="holds signed bytes .*gdal_translate -ot Int16"):
        redline.zonal(str(d / "int8.tif"), z)
    with pytest.raises(NotImplementedError, match="holds signed bytes"):
        redline.change(write_raster(d / "plain.tif", np.full((ROWS, COLS), 7, dtype=np.uint8), GT, ALBERS),
                       str(d / "int8.tif"), z)
