# Kernel descriptors from Python (API v2): tg.kernels.<name> from the registry, submission with
# named arguments checked as in C++, SPMD tiles, derived costs, descriptors with a Python
# body, and a descriptor scope built in Python exporting the same JSON bytes as in C++.
import os
import subprocess

import numpy as np
import pytest

import tilegraph as tg
from conftest import BUILD_DIR

LIBRARY = {"matmul", "matmul_acc", "matmul_bt", "rmsnorm", "rms_inv", "rope", "rope_inplace", "quantize_int8_rows",
           "quantize_int8_columns", "dequantize_int32", "scale", "scale_acc", "cast", "softmax", "row_max", "row_sum",
           "row_sum_acc", "exp_rows", "online_softmax_merge", "divide_rows"}


def test_every_registered_descriptor_is_an_attribute_with_its_params():
    assert LIBRARY <= set(tg.kernels.names)
    for name in tg.kernels.names:
        k = getattr(tg.kernels, name)
        assert isinstance(k, tg.Kernel) and k.name == name and tg.kernels.find(name) == k
        assert k.params and k.signature.startswith(name + "(")
    mm = tg.kernels.matmul
    assert mm.kind == "cube" and mm.param_names == ["a", "b", "c"] and mm.has_cost and not mm.python_body
    a, b, c = mm.params
    assert (a.name, a.access, a.optional) == ("a", tg.Access.In, False)
    assert a.dtypes == [tg.bf16, tg.int8] and c.access == tg.Access.Out and c.dtypes == [tg.fp32, tg.int32]
    assert a.accepts(tg.bf16) and not a.accepts(tg.fp32)
    assert tg.kernels.matmul_acc.param("c").access == tg.Access.InOut
    gamma = tg.kernels.rmsnorm.param("gamma")
    assert gamma.optional and tg.kernels.rmsnorm.kind == "vector"
    assert tg.kernels.find("no_such_kernel") is None
    with pytest.raises(KeyError):
        mm.param("d")


def proj_scope():
    s = tg.Scope("proj")
    x = s.input("x", [16, 256], tg.bf16)
    w = s.weight("w", [256, 128], tg.bf16)
    y = s.output("y", [16, 128], tg.fp32)
    return s, x, w, y


def test_named_submission_binds_parameters_and_derives_the_cost():
    s, x, w, y = proj_scope()
    t = s.cube(tg.kernels.matmul, a=tg.In(x), b=tg.In(w.cols(0, 64)), c=tg.Out(y.cols(0, 64)))
    task = s.task(t.id)
    assert task.name == "matmul" and task.kernel_name == "matmul" and task.params == ["a", "b", "c"]
    assert task.descriptor == tg.kernels.matmul and task.param_args == [0, 1, 2]
    assert task.cost.flops == 2 * 16 * 256 * 64 and not task.cost_given
    assert task.cost.bytes == 16 * 256 * 2 + 256 * 64 * 2 + 16 * 64 * 4
    assert task.cost.working_set_bytes > 0 and not task.cost.int8
    assert task.param("b").view == w.cols(0, 64)
    # A hand cost overrides the derived one; a name of its own; the descriptor's kind via submit().
    t2 = s.cube("proj", kernel=tg.kernels.matmul, a=tg.In(x), b=tg.In(w.cols(64, 64)), c=tg.Out(y.cols(64, 64)),
                cost=tg.Cost(flops=7))
    assert s.task(t2.id).name == "proj" and s.task(t2.id).cost.flops == 7 and s.task(t2.id).cost_given
    g = s.finalize()
    assert g.task(t.id).cost.flops == 2 * 16 * 256 * 64 and len(g.edges) == 0


def test_positional_arguments_follow_the_parameter_order():
    s, x, w, y = proj_scope()
    t = s.cube(tg.kernels.matmul, [tg.In(x), tg.In(w), tg.Out(y)])
    assert s.task(t.id).params == ["a", "b", "c"]
    gamma_less = s.staging("n", [16, 256], tg.bf16)
    r = s.submit(tg.kernels.rmsnorm, x=tg.In(x), y=tg.Out(gamma_less))
    assert s.task(r.id).kind == "vector" and s.task(r.id).param("gamma") is None
    with pytest.raises(TypeError, match="either as a list or by name"):
        s.cube(tg.kernels.matmul, [tg.In(x)], b=tg.In(w), c=tg.Out(y))
    with pytest.raises(TypeError, match="4 arguments"):
        s.cube(tg.kernels.matmul, [tg.In(x), tg.In(w), tg.Out(y), tg.In(x)])
    with pytest.raises(TypeError, match="kernel descriptor"):
        s.submit("plain", [tg.In(x)])


@pytest.mark.parametrize("case", ["unknown", "missing", "access", "dtype"])
def test_contract_errors_are_the_cpp_graph_errors_with_fields(case):
    s, x, w, y = proj_scope()
    f32 = s.input("f32", [16, 256], tg.fp32)
    mm = tg.kernels.matmul
    args = {
        "unknown": dict(a=tg.In(x), b=tg.In(w), c=tg.Out(y), d=tg.In(x)),
        "missing": dict(a=tg.In(x), c=tg.Out(y)),
        "access": dict(a=tg.In(x), b=tg.In(w), c=tg.InOut(y)),
        "dtype": dict(a=tg.In(f32), b=tg.In(w), c=tg.Out(y)),
    }
    with pytest.raises(tg.GraphError) as e:
        s.cube("mm", kernel=mm, **args[case])
    err = e.value
    assert err.task is not None and err.task.startswith("mm#")
    expected = {"unknown": ("d", 3), "missing": ("b", None), "access": ("c", 2), "dtype": ("a", 0)}
    param, arg = expected[case]
    assert err.param == param and err.arg == arg
    if case in ("access", "dtype"):
        assert err.buffer == ("y" if case == "access" else "f32")
    assert s.num_tasks == 0  # a refused task leaves the scope as it was


def test_tiled_arguments_make_the_grid_and_run_per_block():
    s = tg.Scope("tiled")
    a = s.input("a", [32, 64], tg.bf16)
    b = s.weight("b", [64, 128], tg.bf16)
    c = s.output("c", [32, 128], tg.fp32)
    t = s.cube(tg.kernels.matmul, a=tg.In(a).tiled(tg.tile.rows(16)), b=tg.In(b).tiled(tg.tile.cols(64, 1)),
               c=tg.Out(c).tiled(tg.tile.grid(16, 64)))
    task = s.task(t.id)
    assert task.grid == [2, 2] and task.block_num == 4
    assert task.tiles[2] == [(0, 16), (1, 64)] and task.tiles[0] == [(0, 16), None]
    assert task.cost.flops == 2 * 16 * 64 * 64  # one block's tile
    spec = tg.tile.grid(16, 64)
    assert spec.rows == (0, 16) and spec.cols == (1, 64) and not spec.empty
    assert tg.In(a).tiled(spec).tile.rows == (0, 16)
    g = s.finalize()
    rng = np.random.default_rng(3)
    an = tg.float32_to_bf16(rng.standard_normal((32, 64), np.float32))
    bn = tg.float32_to_bf16(rng.standard_normal((64, 128), np.float32))
    r = tg.HostExecutor(2).run(g, {"a": an, "b": bn})
    ref = tg.bf16_to_float32(an).astype(np.float64) @ tg.bf16_to_float32(bn).astype(np.float64)
    np.testing.assert_allclose(r.output("c"), ref, rtol=1e-5, atol=1e-3)
    assert len(r.timeline) == 4
    with pytest.raises(tg.GraphError):  # the tiles of a and c disagree on axis 0's extent
        s2 = tg.Scope("bad")
        a2 = s2.input("a", [32, 64], tg.bf16)
        b2 = s2.weight("b", [64, 128], tg.bf16)
        c2 = s2.output("c", [32, 128], tg.fp32)
        s2.cube(tg.kernels.matmul, a=tg.In(a2).tiled(tg.tile.rows(8)), b=tg.In(b2), c=tg.Out(c2).tiled(tg.tile.rows(16)))


def test_library_descriptors_run_on_numpy_arrays():
    rng = np.random.default_rng(0)
    a = tg.float32_to_bf16(rng.standard_normal((16, 64), np.float32))
    b = tg.float32_to_bf16(rng.standard_normal((64, 32), np.float32))
    c = np.zeros((16, 32), np.float32)
    tg.kernels.matmul(a, b, c)
    ref = tg.bf16_to_float32(a).astype(np.float64) @ tg.bf16_to_float32(b).astype(np.float64)
    np.testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-4)
    tg.kernels.matmul_acc(a=a, b=b, c=c)
    np.testing.assert_allclose(c, 2 * ref, rtol=1e-5, atol=1e-3)
    with pytest.raises(tg.GraphError) as e:
        tg.kernels.matmul(c, b, c)
    assert e.value.param == "a"
    with pytest.raises(TypeError, match="needs an array"):
        tg.kernels.matmul(a, b)
    x = rng.standard_normal((4, 128), np.float32)
    y = np.zeros_like(x)
    tg.kernels.rmsnorm(x=x, y=y, eps=1e-3)  # gamma left out; an option by keyword
    ref = x / np.sqrt((x.astype(np.float64) ** 2).mean(axis=1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    assert "eps" in tg.kernels.rmsnorm.option_names
    assert tg.kernels.rmsnorm.options(eps=1e-5).name == "rmsnorm"
    with pytest.raises(TypeError, match="unknown option"):
        tg.kernels.rmsnorm.options(colour=1)
    with pytest.raises(tg.ConfigError):
        tg.kernels.matmul.options(accumulate=True)


def test_python_descriptor_checks_like_cpp_and_runs_on_the_host():
    calls = []

    def axpy(ctx):
        calls.append(ctx.block_idx)
        ctx.param("y")[...] += 2 * ctx.param("x")

    k = tg.Kernel("axpy", [tg.Param("x", "in", [tg.fp32]), tg.Param("y", tg.Access.InOut, [tg.fp32])], axpy,
                  cost=lambda v: tg.Cost(flops=2 * v["x"].numel, bytes=3 * v["x"].nbytes))
    assert k.python_body and k.kind == "host" and k.param_names == ["x", "y"] and k.has_cost
    s = tg.Scope("py")
    x = s.input("x", [8, 16], tg.fp32)
    y = s.inout("y", [8, 16], tg.fp32)
    t = s.host(k, x=tg.In(x).tiled(tg.tile.rows(4)), y=tg.InOut(y).tiled(tg.tile.rows(4)))
    task = s.task(t.id)
    assert task.block_num == 2 and task.cost.flops == 2 * 4 * 16 and task.descriptor.python_body
    with pytest.raises(tg.GraphError) as e:
        s.host(k, x=tg.In(x), y=tg.Out(y))
    assert e.value.param == "y" and e.value.arg == 1
    g = s.finalize()
    xs = np.arange(128, dtype=np.float32).reshape(8, 16)
    ys = np.ones((8, 16), np.float32)
    tg.HostExecutor(2).run(g, {"x": xs, "y": ys})
    np.testing.assert_array_equal(ys, 1 + 2 * xs)
    assert sorted(calls) == [0, 1]
    with pytest.raises(TypeError, match="Python body"):
        k(xs, ys)
    with pytest.raises(tg.ConfigError, match="declared twice"):
        tg.Kernel("dup", [tg.Param("x", "in"), tg.Param("x", "out")], axpy)


def test_python_descriptor_kernel_error_has_the_cause():
    def broken(ctx):
        raise ValueError("bad tile")

    k = tg.Kernel("broken", [tg.Param("x", "in")], broken)
    s = tg.Scope("err")
    x = s.input("x", [4], tg.fp32)
    s.host(k, x=tg.In(x))
    g = s.finalize()
    host = tg.HostExecutor(1)
    with pytest.raises(tg.KernelError) as e:
        host.run(g, {"x": np.zeros(4, np.float32)})
    assert e.value.task == "broken#0" and e.value.block == 0 and isinstance(e.value.__cause__, ValueError)


def python_descriptor_scope():
    s = tg.Scope("descriptor_scope")
    x = s.input("x", [16, 256], tg.bf16)
    gamma = s.weight("gamma", [256], tg.fp32)
    w = s.weight("w", [256, 128], tg.bf16)
    normed = s.staging("normed", [16, 256], tg.bf16)
    acc = s.staging("acc", [16, 128], tg.fp32)
    tiled = s.staging("tiled", [16, 128], tg.fp32)
    y = s.output("y", [16, 128], tg.bf16)
    z = s.output("z", [16, 128], tg.fp32)
    s.vector("input_rmsnorm", kernel=tg.kernels.rmsnorm, x=tg.In(x), gamma=tg.In(gamma), y=tg.Out(normed))
    for c in range(0, 128, 64):
        s.cube("proj", kernel=tg.kernels.matmul, a=tg.In(normed), b=tg.In(w.cols(c, 64)), c=tg.Out(acc[:, c:c + 64]))
    s.cube("tiled_proj", kernel=tg.kernels.matmul, a=tg.In(normed).tiled(tg.tile.rows(16)),
           b=tg.In(w).tiled(tg.tile.cols(64, 1)), c=tg.Out(tiled).tiled(tg.tile.grid(16, 64)))
    s.vector("cast", kernel=tg.kernels.cast, src=tg.In(acc), dst=tg.Out(y)).cost(flops=1.0, bytes=2.0)
    s.vector("scale", kernel=tg.kernels.scale, x=tg.In(tiled), y=tg.Out(z)).blocks(2)
    report = tg.Kernel("report", [tg.Param("src", "in", [tg.fp32])], lambda ctx: None,
                       cost=lambda v: tg.Cost(flops=10.0, bytes=v["src"].nbytes))
    s.submit(report, src=tg.In(z))
    return s.finalize()


def test_python_descriptor_scope_exports_the_same_json_as_cpp():
    exe = os.environ.get("TG_REFERENCE_DESCRIPTOR_SCOPE",
                         str(BUILD_DIR / "python" / "python_reference_descriptor_scope"))
    expected = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    got = python_descriptor_scope().to_json()
    assert got == expected
    assert '"kernel": "matmul"' in got and '"tile"' in got and '"param": "gamma"' in got


def test_json_scope_naming_a_library_kernel_is_checked_and_costed():
    text = python_descriptor_scope().to_json()
    g = tg.parse_scope_json(text, "d.json")
    proj = next(t for t in g.tasks if t.name == "proj")
    assert proj.descriptor == tg.kernels.matmul and proj.cost.flops == 2 * 16 * 256 * 64


def test_a_python_cost_function_that_fails_is_a_graph_error_naming_the_task():
    def bad_cost(views):
        raise ValueError("no cost for " + ", ".join(views))

    k = tg.Kernel("costly", [tg.Param("x", "in")], lambda ctx: None, cost=bad_cost)
    wrong = tg.Kernel("wrong", [tg.Param("x", "in")], lambda ctx: None, cost=lambda v: 3)
    s = tg.Scope("cost")
    x = s.input("x", [4], tg.fp32)
    with pytest.raises(tg.GraphError, match="no cost for x") as e:
        s.host(k, x=tg.In(x))
    assert e.value.task == "costly#0"
    with pytest.raises(tg.GraphError, match="expected a tg.Cost"):
        s.host(wrong, x=tg.In(x))
    assert s.num_tasks == 0
    assert tg.kernels.matmul != None and not (tg.kernels.matmul == tg.kernels.matmul_acc)  # noqa: E711
