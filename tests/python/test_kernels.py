# Library kernels from Python: called on numpy arrays, and as task kernels.
import numpy as np
import pytest

import tilegraph as tg


def test_kernel_table():
    assert {"matmul", "rmsnorm", "cast", "rope"} <= set(tg.kernels.names)
    assert tg.kernels.matmul.params == ["a", "b", "c"]
    assert "accumulate" in tg.kernels.matmul.signature


def test_matmul_on_numpy_arrays():
    rng = np.random.default_rng(0)
    a = tg.float32_to_bf16(rng.standard_normal((16, 64), np.float32))
    b = tg.float32_to_bf16(rng.standard_normal((64, 32), np.float32))
    c = np.zeros((16, 32), np.float32)
    tg.kernels.matmul(a, b, c)
    ref = tg.bf16_to_float32(a).astype(np.float64) @ tg.bf16_to_float32(b).astype(np.float64)
    np.testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-4)
    tg.kernels.matmul(a, b, c, accumulate=True)
    np.testing.assert_allclose(c, 2 * ref, rtol=1e-5, atol=1e-3)
    with pytest.raises(tg.ShapeError):
        tg.kernels.matmul(a, b, np.zeros((16, 31), np.float32))
    with pytest.raises(TypeError):
        tg.kernels.matmul(a, b)
    with pytest.raises(TypeError):
        tg.kernels.matmul.options(colour=1)


def test_rmsnorm_and_cast_on_numpy():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 128), np.float32)
    gamma = np.ones((1, 128), np.float32)
    y = np.zeros_like(x)
    tg.kernels.rmsnorm(x, gamma, y, eps=1e-6)
    ref = x / np.sqrt((x.astype(np.float64) ** 2).mean(axis=1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    bits = np.zeros((4, 128), np.uint16)
    tg.kernels.cast(x, bits)
    np.testing.assert_array_equal(bits, tg.float32_to_bf16(x))


def test_library_kernel_as_task_kernel_refuses_blocks():
    s = tg.Scope("k")
    x = s.input("x", [4, 8], tg.fp32)
    y = s.output("y", [4, 8], tg.bf16)
    t = s.vector(tg.kernels.cast, [tg.In(x), tg.Out(y)]).blocks(2)
    g = s.finalize()
    assert g.task(t.id).name == "cast" and g.task(t.id).kernel_name == "cast"
    with pytest.raises(tg.KernelError, match="block_num 1"):
        tg.HostExecutor(1).run(g, {"x": np.zeros((4, 8), np.float32)})
