"""The shipped type stubs (`__init__.pyi`, `exceptions.pyi`, `_cxm.pyi`) match the
runtime, checked by mypy's stubtest."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import cxm

pytest.importorskip("mypy")


def test_stubtest() -> None:
    with tempfile.TemporaryDirectory() as cwd:  # import the installed package, not a source tree
        config = Path(__file__).with_name("stubtest.ini")
        proc = subprocess.run([sys.executable, "-m", "mypy.stubtest", "cxm", "--mypy-config-file", str(config)],
                              cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_py_typed_is_shipped() -> None:
    assert (Path(cxm.__file__).parent / "py.typed").exists()
    assert (Path(cxm.__file__).parent / "__init__.pyi").exists()
