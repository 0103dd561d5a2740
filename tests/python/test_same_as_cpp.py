# A scope built in Python equals the same scope built in C++: the JSON exports are the same
# bytes. The C++ twin is tests/python/reference_scope.cpp (target python_reference_scope).
import os
import pathlib
import subprocess

import tilegraph as tg
from conftest import BUILD_DIR


def reference_json():
    exe = os.environ.get("TG_REFERENCE_SCOPE", str(BUILD_DIR / "python" / "python_reference_scope"))
    return subprocess.run([exe], check=True, capture_output=True, text=True).stdout


def python_scope():
    s = tg.Scope("same_scope")
    x = s.input("x", [16, 256], tg.bf16)
    w = s.weight("w", [256, 128], tg.bf16)
    gamma = s.weight("gamma", [1, 256], tg.fp32)
    normed = s.staging("normed", [16, 256], tg.bf16)
    acc = s.staging("acc", [16, 128], tg.fp32)
    y = s.output("y", [16, 128], tg.bf16)
    cache = s.inout("cache", [4, 16, 32], tg.bf16)

    norm = s.vector("rmsnorm", [tg.In(x), tg.In(gamma), tg.Out(normed)]).blocks(4)
    norm.cost(flops=3.0 * 4 * 256, bytes=2.0 * 4 * 256 * 2, working_set_bytes=8192)
    for c in range(0, 128, 64):
        s.cube("proj", a=tg.In(normed), b=tg.In(w.cols(c, 64)), c=tg.Out(acc[:, c:c + 64]),
               kernel_name="matmul", cost=tg.Cost(flops=2.0 * 16 * 256 * 64, bytes=2.0 * 256 * 64))
    with s.nest("epilogue"):
        tiles = s.staging_ring("tile", 2, [8, 128], tg.fp32)

        def body(step):
            s.vector("load", [tg.In(acc.rows(step.iter * 8, 8)), tg.Out(tiles[step])])
            s.vector("store", [tg.In(tiles[step]), tg.Out(y[step.iter * 8:step.iter * 8 + 8])]).sync_start()

        s.pipeline(2, 2, body)
        s.mix("cache_write", [tg.In(y.reshape(4, 4, 128)[:, :, 0:32]), tg.InOut(cache[:, 0:4, 0:32])],
              mix_slots=tg.SLOT_AIC | tg.SLOT_AIV0)
    s.host("report", [tg.NoDep(tg.In(y))]).after(norm)
    return s.finalize()


def test_python_built_scope_exports_the_same_json_as_cpp():
    expected = reference_json()
    got = python_scope().to_json()
    assert got == expected
    assert len(got) > 1000
