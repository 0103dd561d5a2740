# Library kernels (their descriptors, tg.kernels.*) from Python: called on numpy arrays, and as
# task kernels. test_descriptors.py checks the descriptors themselves.
import numpy as np
import pytest

import tilegraph as tg


def test_kernel_table():
    assert {"matmul", "rmsnorm", "cast", "rope"} <= set(tg.kernels.names)
    assert tg.kernels.matmul.param_names == ["a", "b", "c"]
    assert tg.kernels.matmul.signature == "matmul(In a: bf16|int8, In b: bf16|int8, Out c: fp32|int32)"
    assert "rounding" in tg.kernels.cast.option_names


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


def test_library_kernel_as_task_kernel_in_a_list():
    s = tg.Scope("k")
    x = s.input("x", [4, 8], tg.fp32)
    y = s.output("y", [4, 8], tg.bf16)
    t = s.vector(tg.kernels.cast, [tg.In(x), tg.Out(y)])
    g = s.finalize()
    assert g.task(t.id).name == "cast" and g.task(t.id).kernel_name == "cast" and g.task(t.id).params == ["src", "dst"]
    xs = np.linspace(-2, 2, 32, dtype=np.float32).reshape(4, 8)
    r = tg.HostExecutor(1).run(g, {"x": xs})
    np.testing.assert_array_equal(r.output("y"), tg.float32_to_bf16(xs))


def test_softmax_pieces_quant_and_rope_match_numpy():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 32), np.float32)
    m = np.zeros(4, np.float32)
    tg.kernels.row_max(x, m)
    np.testing.assert_array_equal(m, x.max(axis=1))
    p = np.zeros_like(x)
    tg.kernels.exp_rows(x, m, p)
    np.testing.assert_allclose(p, np.exp(x - m[:, None]), rtol=1e-6)
    l = np.zeros(4, np.float32)
    tg.kernels.row_sum(p, l)
    np.testing.assert_allclose(l, p.sum(axis=1), rtol=1e-5)
    y = np.zeros_like(x)
    tg.kernels.divide_rows(p, l, y)
    np.testing.assert_allclose(y.sum(axis=1), 1, rtol=1e-5)
    inv = np.zeros(4, np.float32)
    tg.kernels.rms_inv(x, inv)
    np.testing.assert_allclose(inv, 1 / np.sqrt((x ** 2).mean(axis=1) + 1e-6), rtol=1e-5)

    q = np.zeros((4, 32), np.int8)
    scale = np.zeros(4, np.float32)
    tg.kernels.quantize_int8_rows(x, q, scale)
    np.testing.assert_allclose(q * scale[:, None], x, atol=scale.max())
    assert np.abs(q).max() == 127
    acc = q.astype(np.int32)
    back = np.zeros((4, 32), np.float32)
    tg.kernels.dequantize_int32(acc, scale, np.ones(32, np.float32), back)
    np.testing.assert_allclose(back, q * scale[:, None], rtol=1e-6)

    # RoPE with angle 0 is the identity; with 90 degrees it rotates the halves.
    r = np.zeros_like(x)
    tg.kernels.rope(x, np.ones((1, 32), np.float32), np.zeros((1, 32), np.float32), r)
    np.testing.assert_array_equal(r, x)
    tg.kernels.rope(x, np.zeros((1, 32), np.float32), np.ones((1, 32), np.float32), r)
    np.testing.assert_array_equal(r, np.concatenate([-x[:, 16:], x[:, :16]], axis=1))
