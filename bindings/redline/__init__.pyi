# Type hints for the redline package (see the docstrings in __init__.py for units and modes).
import os
from typing import Any, Callable, Literal, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

PathLike = Union[str, os.PathLike]
Progress = Union[bool, None, Callable[[int, int, str], Any]]
Zones = Union[PathLike, "geopandas.GeoDataFrame", Sequence[Any]]  # shapely geometries or WKB bytes

Cancel = Optional[Callable[[], bool]]  # polled every 100 ms; True stops the run (raises Cancelled)
# A path, a list of paths (zonal), a rasterio dataset, an xarray.DataArray (2-D; zonal also 3-D),
# a Dask array or a 2-D numpy integer array.
Raster = Union[PathLike, Sequence[PathLike], "rasterio.io.DatasetReader", "xarray.DataArray", np.ndarray, Any]
Transform = Union[None, Tuple[float, float, float, float, float, float], "affine.Affine"]
Crs = Union[None, str, "rasterio.crs.CRS", "pyproj.CRS"]

class RedlineWarning(UserWarning): ...
class Cancelled(Exception): ...

def version() -> dict: ...
def zonal(raster: Raster, zones: Zones, id: Optional[str] = ...,
          mode: Literal["exact", "centroid", "all-touched"] = ..., dissolve: bool = ...,
          dissolve_by: Optional[str] = ..., classes: Optional[str] = ..., threads: Optional[int] = ...,
          progress: Progress = ..., *, band: int = ..., tile_size: int = ..., reproject: bool = ...,
          make_valid: bool = ..., zones_crs: Optional[str] = ..., densify: float = ...,
          transform: Transform = ..., crs: Crs = ...,
          nodata: Optional[Union[int, float]] = ..., output: Optional[PathLike] = ..., max_memory: Union[None, int, str] = ...,
          encoding: Optional[str] = ..., cancel: Cancel = ...) -> pd.DataFrame: ...
def change(t0: Raster, t1: Raster, zones: PathLike, id: Optional[str] = ...,
           preset: Literal["redline", "cropland"] = ..., rules: Optional[PathLike] = ..., classes: Optional[str] = ...,
           mmu_pixels: int = ..., connectivity: Literal[4, 8] = ..., permitted: Optional[PathLike] = ...,
           mode: Literal["exact", "centroid"] = ..., threads: Optional[int] = ..., progress: Progress = ..., *,
           band: int = ..., tile_size: int = ..., reproject: bool = ..., make_valid: bool = ...,
           zones_crs: Optional[str] = ..., permitted_min_share: float = ...,
           matrix_output: Optional[PathLike] = ..., patches_output: Optional[PathLike] = ...,
           max_memory: Union[None, int, str] = ..., encoding: Optional[str] = ..., cancel: Cancel = ...,
           transform: Transform = ..., crs: Crs = ..., nodata: Optional[Union[int, float]] = ...
           ) -> Tuple[pd.DataFrame, pd.DataFrame]: ...
def area(layer: PathLike, id: Optional[str] = ..., dissolve: bool = ..., dissolve_by: Optional[str] = ...,
         within: Optional[PathLike] = ..., threads: Optional[int] = ..., progress: Progress = ..., *,
         reproject: bool = ..., make_valid: bool = ..., densify: float = ..., layer_crs: Optional[str] = ...,
         output: Optional[PathLike] = ..., encoding: Optional[str] = ..., cancel: Cancel = ...
         ) -> pd.DataFrame: ...
def conflicts(layers: Sequence[PathLike], id: Union[None, str, Sequence[str]] = ..., min_area: float = ...,
              self: bool = ..., threads: Optional[int] = ..., progress: Progress = ..., *, reproject: bool = ...,
              make_valid: bool = ..., densify: float = ..., layer_crs: Optional[str] = ...,
              output: Optional[PathLike] = ..., encoding: Optional[str] = ..., cancel: Cancel = ...
              ) -> pd.DataFrame: ...
def validate(layer: PathLike, id: Optional[str] = ..., threads: Optional[int] = ..., progress: Progress = ..., *,
             layer_crs: Optional[str] = ..., min_overlap: float = ..., output: Optional[PathLike] = ...,
             encoding: Optional[str] = ..., cancel: Cancel = ...) -> pd.DataFrame: ...
def tabulate(landuse: PathLike, class_field: str, zones: PathLike, id: Optional[str] = ...,
             deduct_field: Optional[str] = ..., dissolve: bool = ..., dissolve_by: Optional[str] = ...,
             classes: Optional[PathLike] = ..., level: Optional[int] = ..., area_convention: Optional[str] = ...,
             on_overlap: str = ..., threads: Optional[int] = ..., progress: Progress = ..., *,
             max_examples: int = ..., reproject: bool = ..., make_valid: bool = ..., densify: float = ...,
             layer_crs: Optional[str] = ..., output: Optional[PathLike] = ..., encoding: Optional[str] = ...,
             cancel: Cancel = ..., check_field: Optional[str] = ...,
             check_tolerance: Union[None, float, str, Sequence[float]] = ...,
             check_output: Optional[PathLike] = ...) -> pd.DataFrame: ...
def shoreline(lines: PathLike, class_field: Optional[str] = ..., natural: Optional[Sequence[str]] = ...,
              estuary: Optional[Sequence[str]] = ..., raster: Optional[PathLike] = ..., **kwargs: Any
              ) -> pd.DataFrame: ...
def report(config: PathLike, output_dir: Optional[PathLike] = ..., threads: Optional[int] = ...,
           progress: Progress = ..., *, cancel: Cancel = ...) -> dict: ...
def sample(map: Optional[Raster] = ..., size: Optional[int] = ..., target_se: Optional[float] = ..., zones: Optional[PathLike] = ...,
           id: Optional[str] = ..., expected_users_accuracy: Optional[dict] = ..., allocation: str = ...,
           min_per_stratum: int = ..., seed: int = ..., threads: Optional[int] = ..., progress: Progress = ..., *,
           t0: Optional[Raster] = ..., t1: Optional[Raster] = ..., preset: str = ...,
           rules: Optional[PathLike] = ..., classes: str = ..., default_users_accuracy: float = ..., band: int = ..., reproject: bool = ..., make_valid: bool = ...,
           zones_crs: Optional[str] = ..., encoding: Optional[str] = ..., output: Optional[PathLike] = ...,
           cancel: Cancel = ..., transform: Transform = ..., crs: Crs = ...,
           nodata: Optional[Union[int, float]] = ...) -> Any: ...
def estimate(sample: Union[PathLike, pd.DataFrame], map: Optional[Raster] = ...,
             strata_areas: Union[None, PathLike, dict] = ..., zones: Optional[PathLike] = ...,
             stratum_field: str = ..., reference_field: str = ..., confidence: float = ...,
             threads: Optional[int] = ..., progress: Progress = ..., *, t0: Optional[Raster] = ...,
             t1: Optional[Raster] = ..., preset: str = ..., rules: Optional[PathLike] = ..., classes: str = ...,
             design: Optional[PathLike] = ...,
             allow_small: bool = ..., drop_unlabelled: bool = ..., allow_unmapped_reference: bool = ...,
             band: int = ..., reproject: bool = ..., make_valid: bool = ..., zones_crs: Optional[str] = ...,
             encoding: Optional[str] = ..., output: Optional[PathLike] = ..., json_output: Optional[PathLike] = ...,
             cancel: Cancel = ..., transform: Transform = ..., crs: Crs = ...,
             nodata: Optional[Union[int, float]] = ...) -> Tuple[pd.DataFrame, dict]: ...
