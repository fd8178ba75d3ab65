"""encoding= in the Python API (issue #15): GBK shapefiles written here (see
redline_testkit.write_gbk_shapefile) read with Chinese names through every function, the detection
warning as a RedlineWarning, and text that cannot be decoded as ValueError with the CLI's message."""
import math
import warnings

import numpy as np
import pytest
from osgeo import ogr

import redline
from overlay_oracle import rect_area
from redline_testkit import box_wkt, write_gbk_shapefile, write_layer, write_raster

NAMES = ["生态红线", "一般生态空间"]
RECTS = [(105.0, 30.0, 105.1, 30.1), (105.2, 30.0, 105.3, 30.1)]
GT = (105.0, 0.05, 0, 30.1, 0, -0.05)


@pytest.fixture
def gbk(tmp_path):
    shp = write_gbk_shapefile(tmp_path / "redline.shp", "ldid0", [box_wkt(*r) for r in RECTS],
                              {"名称": NAMES, "分区": ["甲区", "甲区"]})
    arr = np.ones((4, 8), dtype=np.uint8)
    arr[:, 3:] = 2
    tif = write_raster(tmp_path / "lc.tif", arr, GT, "EPSG:4490", nodata=0)
    return tmp_path, shp, tif, arr


def detection(record):
    return [w for w in record if issubclass(w.category, redline.RedlineWarning) and "GB18030" in str(w.message)]


def test_zonal_and_area_detect_gb18030_with_one_warning(gbk):
    d, shp, tif, _ = gbk
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        df = redline.zonal(tif, shp, id="名称")
    assert list(df["zone"]) == NAMES and list(df["class"]) == ["1", "2"]
    assert abs(df["area_m2"][0] / rect_area(*RECTS[0]) - 1) < 1e-9
    assert len(detection(rec)) == 1 and "redline.dbf" in str(detection(rec)[0].message)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        df = redline.area(shp, dissolve_by="分区", encoding="CP936")
    assert list(df["group"]) == ["甲区"] and detection(rec) == []
    assert abs(df["area_m2"][0] / (rect_area(*RECTS[0]) + rect_area(*RECTS[1])) - 1) < 1e-9


def test_every_function_takes_encoding(gbk):
    d, shp, tif, arr = gbk
    kw = {"encoding": "GB18030"}
    assert list(redline.area(shp, id="名称", **kw)["id"]) == NAMES
    assert list(redline.zonal(tif, shp, id="名称", **kw)["zone"]) == NAMES
    other = write_gbk_shapefile(d / "crop.shp", "cpg", [box_wkt(105.05, 30.0, 105.25, 30.1)], {"名称": ["基本农田"]})
    df = redline.conflicts([shp, other], id="名称", **kw)
    assert set(df["id_a"]) == set(NAMES) and set(df["id_b"]) == {"基本农田"}
    assert len(redline.validate(shp, id="名称", **kw)) == 0
    t1 = arr.copy()
    t1[0, 0] = 8
    t1p = write_raster(d / "t1.tif", t1, GT, "EPSG:4490", nodata=0)
    matrix, patches = redline.change(tif, t1p, shp, id="名称", preset="cropland", mmu_pixels=1, **kw)
    assert [(z, f, t) for z, f, t in zip(matrix["zone"], matrix["from"], matrix["to"]) if f != t] == [(NAMES[0], "1", "8")]
    assert list(patches["zone"]) == [NAMES[0]]
    lines = write_gbk_shapefile(d / "coast.shp", "ldid0", ["LINESTRING(105 0,105.3 0)", "LINESTRING(105.3 0,106 0)"],
                                {"类型": ["基岩岸线", "人工岸线"]}, geom_type=ogr.wkbLineString)
    df = redline.shoreline(lines, class_field="类型", natural=["基岩岸线"], **kw)
    assert abs(df["natural_m"][0] - 0.3 * 6378137.0 * math.pi / 180) < 1e-3


def test_undecodable_text_raises_value_error_naming_file_field_and_option(gbk):
    d, shp, tif, _ = gbk
    with pytest.raises(ValueError) as e:
        redline.area(shp, id="名称", encoding="UTF-8")
    msg = str(e.value)
    assert "redline.shp" in msg and "the name of field 1" in msg and "encoding=" in msg and "--encoding" not in msg
    out = d / "z.csv"
    with pytest.raises(ValueError, match="not valid UTF-8"):
        redline.zonal(tif, shp, id="名称", encoding="UTF-8", output=out)
    assert not out.exists()
    with pytest.raises(ValueError, match="is not an encoding this system can decode"):
        redline.validate(shp, encoding="NO-SUCH-CODEPAGE")
    # A GeoPackage is UTF-8 whatever encoding= says.
    gpkg = write_layer(d / "p.gpkg", "p", [box_wkt(*RECTS[0])], "EPSG:4490", {"名称": ["红线"]})
    assert list(redline.area(gpkg, id="名称", encoding="CP936")["id"]) == ["红线"]
