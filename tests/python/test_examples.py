# Every script in examples/python/ runs and exits 0 (each checks its own result).
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import BUILD_DIR, SOURCE_DIR

EXAMPLES = sorted((SOURCE_DIR / "examples" / "python").glob("*.py"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(BUILD_DIR / "python"))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
