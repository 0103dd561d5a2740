# pytest setup for the tilegraph Python module: CTest sets PYTHONPATH to build/python; run by
# hand, `PYTHONPATH=build/python python3 -m pytest tests/python` does the same.
import os
import pathlib
import sys

SOURCE_DIR = pathlib.Path(os.environ.get("TG_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BUILD_DIR = pathlib.Path(os.environ.get("TG_BUILD_DIR", SOURCE_DIR / "build"))
if str(BUILD_DIR / "python") not in sys.path:
    sys.path.insert(0, str(BUILD_DIR / "python"))
