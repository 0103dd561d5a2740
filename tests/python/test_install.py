# `cmake --install` puts the package where Python finds it: install the python component into
# a scratch prefix and import it from there, away from the build tree.
import os
import subprocess
import sys

from conftest import BUILD_DIR


def test_installed_package_imports(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(BUILD_DIR), "--component", "python", "--prefix", str(prefix)],
                   check=True, capture_output=True)
    found = list(prefix.glob("lib*/python3*/site-packages/tilegraph/__init__.py"))
    assert len(found) == 1
    site = found[0].parent.parent
    assert list((site / "tilegraph").glob("_tilegraph*.so"))
    env = dict(os.environ, PYTHONPATH=str(site))
    code = "import tilegraph as tg, sys; print(tg.__file__); sys.exit(0 if tg.Scope('s').name == 's' else 1)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(site))
