"""redline.tabulate (issue #17): the same DataFrame, files and errors as `redline tabulate`."""
import math

import pandas as pd
import pytest

import redline
from redline_testkit import ALBERS, box_wkt, read_csv, run, write_layer

GK39 = "EPSG:4527"


@pytest.fixture
def survey(tmp_path):
    """A small Gauss-Kruger survey layer (survey convention) with deductions and two zones."""
    x0, y0 = 39500000 + 80000, 3300000
    wkts, codes, coefs = [], [], []
    for i in range(4):
        for j in range(3):
            wkts.append(box_wkt(x0 + 100 * i, y0 + 80 * j, x0 + 100 * i + 100, y0 + 80 * j + 80))
            codes.append(["0101", "0103", "0301", "0702"][(i + j) % 4])
            coefs.append(0.08 if codes[-1].startswith("01") else 0.0)
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", wkts, crs=GK39, fields={"DLBM": codes, "KCXS": coefs})
    zones = write_layer(tmp_path / "z.gpkg", "redline",
                        [box_wkt(x0 + 30, y0 + 20, x0 + 330, y0 + 200), box_wkt(x0 - 50, y0 - 50, x0 + 120, y0 + 90)],
                        crs=GK39, fields={"code": ["R1", "R2"], "prov": ["p", "p"]})
    return lu, zones, tmp_path


def test_same_frame_and_files_as_the_cli(survey):
    lu, zones, d = survey
    df = redline.tabulate(lu, "DLBM", zones, id="code", deduct_field="KCXS", classes="gbt21010", threads=2)
    out = d / "cli.csv"
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--id", "code",
            "--deduct-field", "KCXS", "--classes", "gbt21010", "--output", out)
    assert r.returncode == 0, r.stderr
    cli = pd.read_csv(out, dtype={"class": str, "group": str}, float_precision="round_trip")
    assert list(df.columns) == list(cli.columns) == [
        "zone", "class", "area_m2", "share", "net_area_m2", "class_name", "group", "group_name", "parcels",
        "area_convention"]
    assert list(df["zone"]) == list(cli["zone"]) and list(df["class"]) == list(cli["class"])
    for col in ("area_m2", "net_area_m2", "share"):
        for a, b in zip(df[col], cli[col]):
            assert (math.isnan(a) and math.isnan(b)) or a == b
    assert set(df["area_convention"]) == {"survey"}
    assert df.attrs["meta"]["area_convention"] == "survey"
    # Cropland nets out the 8 % deduction.
    crop = df[(df["zone"] == "R1") & (df["class"] == "0101")].iloc[0]
    assert abs(crop["net_area_m2"] / crop["area_m2"] - 0.92) < 1e-12
    # output= writes the CLI's bytes.
    py_out = d / "py.csv"
    redline.tabulate(lu, "DLBM", zones, id="code", deduct_field="KCXS", classes="gbt21010", output=py_out)
    assert py_out.read_bytes() == out.read_bytes()


def test_options_as_the_cli(survey):
    lu, zones, _ = survey
    df = redline.tabulate(lu, "DLBM", zones, dissolve_by="prov", level=1, area_convention="geodesic")
    assert list(df["class"]) == ["01", "03", "07", "uncovered"]
    assert set(df["area_convention"]) == {"geodesic"}
    one = redline.tabulate(lu, "DLBM", zones, threads=1)
    two = redline.tabulate(lu, "DLBM", zones, threads=2)
    pd.testing.assert_frame_equal(one, two)


def test_errors_are_value_errors_with_the_cli_text(survey, tmp_path):
    lu, zones, _ = survey
    with pytest.raises(ValueError, match="has no field 'DLBM2' \\(class_field=\\)"):
        redline.tabulate(lu, "DLBM2", zones)
    over = write_layer(tmp_path / "over.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(5, 0, 15, 10)], crs=ALBERS,
                       fields={"DLBM": ["0101", "0102"]})
    z = write_layer(tmp_path / "zz.gpkg", "z", [box_wkt(0, 0, 15, 10)], crs=ALBERS)
    with pytest.raises(ValueError, match="is not a coverage: 1 pair of parcels overlap"):
        redline.tabulate(over, "DLBM", z)
    df = redline.tabulate(over, "DLBM", z, on_overlap="first")
    assert list(zip(df["class"], df["area_m2"])) == [("0101", 100.0), ("0102", 50.0), ("uncovered", 0.0)]
    with pytest.raises(ValueError, match="on_overlap must be 'error' or 'first'"):
        redline.tabulate(over, "DLBM", z, on_overlap="last")
    with pytest.raises(ValueError, match="area_convention must be 'geodesic' or 'survey'"):
        redline.tabulate(over, "DLBM", z, area_convention="plane")


def test_check_field_as_the_cli(survey):
    """check_field: the failing parcels in df.attrs["check"], the CLI's --check-output bytes, the warning."""
    import warnings
    from osgeo import ogr
    lu, zones, d = survey
    good = redline.tabulate(lu, "DLBM", zones)
    from redline_testkit import write_layer
    wkts, codes = [], []
    src = ogr.Open(str(lu))
    for f in src.GetLayer("DLTB"):
        wkts.append(f.GetGeometryRef().ExportToWkt())
        codes.append(f.GetField("DLBM"))
    src = None
    # TBMJ: each parcel's survey area (the layer tabulated against itself: one zone per parcel) rounded to
    # 0.01 m2, then two planted errors.
    per = redline.tabulate(lu, "DLBM", lu)
    tbmj = [round(float(per[(per["zone"] == str(i + 1)) & (per["class"] != "uncovered")]["area_m2"].sum()), 2)
            for i in range(len(wkts))]
    tbmj[2] += 1.0
    tbmj[7] -= 0.25
    lu2 = write_layer(d / "lu2.gpkg", "DLTB", wkts, crs=GK39, fields={"DLBM": codes, "TBMJ": tbmj})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        df = redline.tabulate(lu2, "DLBM", zones, check_field="TBMJ", check_output=d / "py_check.csv")
    assert any("check_field='TBMJ': 2 of 12 parcels" in str(x.message) for x in w)  # Python's words
    check = df.attrs["check"]
    assert list(check["parcel"]) == ["3", "8"]
    assert list(check.columns) == ["parcel", "class", "field_m2", "area_m2", "difference_m2", "relative_difference",
                                   "tolerance_m2", "x", "y"]
    assert check.attrs["summary"]["failed"] == 2 and check.attrs["summary"]["checked"] == 12
    r = run("tabulate", "--landuse", lu2, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
            "--check-output", d / "cli_check.csv")
    assert r.returncode == 0, r.stderr
    assert (d / "py_check.csv").read_bytes() == (d / "cli_check.csv").read_bytes()
    # check_tolerance as m2 or (m2, relative): 0.5 m2 keeps only the +1 m2 parcel.
    assert list(redline.tabulate(lu2, "DLBM", zones, check_field="TBMJ", check_tolerance=0.5)
                .attrs["check"]["parcel"]) == ["3"]
    assert list(redline.tabulate(lu2, "DLBM", zones, check_field="TBMJ", check_tolerance=(0.005, 1e-6))
                .attrs["check"]["parcel"]) == ["3", "8"]
    assert "check" not in good.attrs
    with pytest.raises(ValueError, match="check_output needs check_field"):
        redline.tabulate(lu2, "DLBM", zones, check_output=d / "x.csv")
    with pytest.raises(Exception, match="check_tolerance must be M2 or M2,RELATIVE"):
        redline.tabulate(lu2, "DLBM", zones, check_field="TBMJ", check_tolerance="x")
