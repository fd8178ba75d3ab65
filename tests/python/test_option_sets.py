"""Each option is defined for both front ends: the long options of `redline CMD --help`, named as
Python parameters (--max-memory -> max_memory), equal the parameters of redline.CMD, and
redline.distributed.CMD takes those of redline.CMD, apart from the deliberate differences below."""
import inspect
import re

import pytest

import redline
import redline.distributed
from redline_testkit import run

# CLI options that Python does not take, and why.
CLI_ONLY = {
    "help": "the help text (Python: help(redline.CMD))",
    "quiet": "the CLI's informational lines (Python returns values and emits warnings)",
    "verbose": "the CLI's plan and settings lines on stderr",
    "checkpoint": "checkpoint/resume of a long CLI run (Python: redline.distributed for long jobs)",
    "resume": "see checkpoint",
}
# Python parameters that the CLI does not take, and why.
PYTHON_ONLY = {
    "cancel": "a callable polled while the engine works (the CLI stops on SIGINT/SIGTERM)",
}
# Per command: CLI option -> Python parameter where the names differ, and the other differences.
RENAMED = {
    "change": {"matrix": "matrix_output", "patches": "patches_output"},
    "conflicts": {"layer": "layers"},
}
EXTRA = {
    # zonal and change also read numpy arrays and xarray.DataArrays: their grid, CRS and nodata
    "zonal": ({"transform", "crs", "nodata"}, set()),
    "change": ({"transform", "crs", "nodata"}, set()),
    # the pieces file (--segments) is written by the CLI only; --verify re-runs a CLI manifest
    "shoreline": (set(), {"segments"}),
    "report": (set(), {"verify"}),
}
# redline.distributed.CMD: what makes no sense on a cluster, and what it adds.
DISTRIBUTED_LEAVES_OUT = {"cancel", "transform", "crs", "nodata"}
DISTRIBUTED_ADDS = {"client", "partitions"}

COMMANDS = ["zonal", "change", "area", "conflicts", "validate", "shoreline", "tabulate", "report"]

OPTION = re.compile(r"^\s+(?:-[a-zA-Z], )?--([a-z][a-z0-9-]*)", re.M)


def cli_options(command):
    p = run(command, "--help")
    assert p.returncode == 0, p.stderr
    names = {m.group(1) for m in OPTION.finditer(p.stdout)}
    assert names, p.stdout
    return names


def python_parameters(fn):
    return set(inspect.signature(fn).parameters)


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_options_are_the_python_parameters(command):
    renamed = RENAMED.get(command, {})
    py_extra, cli_extra = EXTRA.get(command, (set(), set()))
    from_cli = {renamed.get(o, o.replace("-", "_")) for o in cli_options(command)}
    from_cli -= set(CLI_ONLY) | cli_extra
    params = python_parameters(getattr(redline, command)) - set(PYTHON_ONLY) - py_extra
    assert sorted(from_cli - params) == [], f"CLI options of {command} that redline.{command} lacks"
    assert sorted(params - from_cli) == [], f"parameters of redline.{command} that `redline {command}` lacks"


@pytest.mark.parametrize("command", ["zonal", "change"])
def test_distributed_takes_the_options_of_the_local_function(command):
    local = python_parameters(getattr(redline, command)) - DISTRIBUTED_LEAVES_OUT
    dist = python_parameters(getattr(redline.distributed, command))
    assert sorted(local - dist) == [], f"redline.distributed.{command} lacks"
    assert sorted(dist - local) == sorted(DISTRIBUTED_ADDS)


@pytest.mark.parametrize("command", ["zonal", "change"])
def test_distributed_defaults_are_the_local_defaults(command):
    local = inspect.signature(getattr(redline, command)).parameters
    dist = inspect.signature(getattr(redline.distributed, command)).parameters
    for name, p in dist.items():
        if name in local:
            assert p.default == local[name].default, (command, name)


# Defaults that depend on the kind of input (None in Python), with the engine's raster default:
# change's code table is "clcd" for rasters and "gbt21010" for survey layers.
DEFAULT_BY_INPUT = {("change", "classes"): "clcd"}


@pytest.mark.parametrize("command", ["zonal", "change", "area", "conflicts", "validate", "tabulate", "shoreline"])
def test_python_defaults_are_the_engine_defaults(command):
    """The defaults live in the C++ request structs (redline._core.defaults()); the Python
    signatures repeat them for help() and must agree."""
    engine = redline._core.defaults()[command]
    params = inspect.signature(getattr(redline, command)).parameters
    for name, value in engine.items():
        assert name in params, (command, name)
        if (command, name) in DEFAULT_BY_INPUT:
            assert params[name].default is None and value == DEFAULT_BY_INPUT[(command, name)], (command, name)
            continue
        assert params[name].default == value, (command, name, params[name].default, value)
