# Data without copies: numpy arrays bound in place, outputs and staging as numpy arrays
# sharing the run's memory, bf16 as uint16, and bind-time checks with the C++ errors.
import numpy as np
import pytest

import tilegraph as tg


def doubling_graph(dtype=tg.fp32):
    s = tg.Scope("double")
    x = s.input("x", [4, 8], dtype)
    y = s.output("y", [4, 8], dtype)

    def double(ctx):
        ctx.arg(1)[...] = ctx.arg(0) * 2

    s.vector("double", [tg.In(x), tg.Out(y)], kernel=double)
    return s.finalize()


def test_bound_input_is_used_in_place_and_output_shares_memory():
    g = doubling_graph()
    x = np.arange(32, dtype=np.float32).reshape(4, 8)
    mem = g.bind(x=x)
    assert mem["x"] is x and mem.copies == []
    host = tg.HostExecutor(2)
    result = host.run(g, mem)
    y = result.output("y")
    np.testing.assert_array_equal(y, 2 * x)
    assert np.shares_memory(y, mem["y"])
    # Writing through the caller's array changes what the next run reads: no copy was made.
    x[0, 0] = 100
    host.run(g, mem)
    assert y[0, 0] == 200


def test_bound_output_array_is_written_in_place():
    g = doubling_graph()
    x = np.ones((4, 8), np.float32)
    out = np.zeros((4, 8), np.float32)
    mem = tg.Bindings(g).bind("x", x).bind("y", out)
    tg.HostExecutor(1).run(g, mem)
    assert (out == 2).all() and mem["y"] is out


@pytest.mark.parametrize("layout", ["column_slice", "step", "transpose", "reversed", "broadcast"])
def test_a_layout_the_buffer_cannot_use_is_refused_naming_dim_and_stride(layout):
    g = doubling_graph()  # x: fp32 [4, 8]
    wide = np.arange(64, dtype=np.float32).reshape(4, 16)
    array, dim, stride = {
        "column_slice": (wide[:, 4:12], 0, 64),
        "step": (wide[:, ::2], 1, 8),
        "transpose": (np.zeros((8, 4), np.float32).T, 1, 16),
        "reversed": (wide[::-1, :8], 0, -64),
        "broadcast": (np.broadcast_to(np.arange(8, dtype=np.float32), (4, 8)), 0, 0),
    }[layout]
    assert array.shape == (4, 8)
    with pytest.raises(tg.BindingError) as e:
        g.bind(x=array)
    assert e.value.buffer == "x"
    assert f"dim {dim} has a stride of {stride} B" in str(e.value) and "np.ascontiguousarray" in str(e.value)
    with pytest.raises(tg.BindingError):
        tg.HostExecutor(1).run(g, {"x": array})


def test_row_slices_and_unit_dims_bind_in_place():
    g = doubling_graph()
    tall = np.arange(64, dtype=np.float32).reshape(8, 8)
    rows = tall[2:6]  # a box of whole rows is row-major: zero-copy
    mem = g.bind(x=rows)
    assert mem["x"] is rows and not mem.copies
    odd = np.zeros((4, 1, 8), np.float32)[:, 0:1, :]  # a unit dim's stride does not matter
    s = tg.Scope("unit")
    x = s.input("x", [4, 1, 8], tg.fp32)
    y = s.output("y", [4, 1, 8], tg.fp32)
    s.vector("copy", [tg.In(x), tg.Out(y)])
    g3 = s.finalize()
    assert g3.bind(x=odd)["x"] is odd
    r = tg.HostExecutor(1).run(g, mem)
    np.testing.assert_array_equal(r.output("y"), 2 * rows)


def test_a_copy_only_when_asked_and_then_listed_and_written_back():
    g = doubling_graph()
    wide = np.arange(64, dtype=np.float32).reshape(4, 16)
    out_wide = np.zeros((4, 16), np.float32)
    mem = tg.Bindings(g).bind("x", wide[:, ::2], allow_copy=True).bind("y", out_wide[:, 8:], allow_copy=True)
    assert len(mem.copies) == 2 and "copied in" in mem.copies[0] and "written back" in mem.copies[1]
    tg.HostExecutor(1).run(g, mem)
    np.testing.assert_array_equal(out_wide[:, 8:], 2 * wide[:, ::2])
    assert (out_wide[:, :8] == 0).all()


def test_non_native_byte_order_is_refused():
    g = doubling_graph()
    with pytest.raises(tg.BindingError, match="byte order") as e:
        g.bind(x=np.zeros((4, 8), ">f4"))
    assert e.value.buffer == "x"


def test_bind_checks_dtype_shape_and_names():
    g = doubling_graph()
    with pytest.raises(tg.BindingError) as e:
        g.bind(x=np.zeros((4, 8), np.int32))
    assert e.value.buffer == "x"
    with pytest.raises(tg.BindingError) as e:
        g.bind(x=np.zeros((8, 4), np.float32))
    assert e.value.buffer == "x"
    with pytest.raises(tg.BindingError):
        g.bind(nope=np.zeros((4, 8), np.float32))
    with pytest.raises(tg.ShapeError):
        g.bind(x=np.zeros((4, 8), np.float64))
    ro = np.zeros((4, 8), np.float32)
    ro.flags.writeable = False
    with pytest.raises(tg.BindingError):
        g.bind(y=ro)
    with pytest.raises(tg.BindingError) as e:
        tg.HostExecutor(1).run(g, tg.Bindings(g))
    assert "x" in str(e.value)


def test_run_takes_a_dict_of_arrays():
    g = doubling_graph()
    x = np.full((4, 8), 3, np.float32)
    r = tg.HostExecutor(1).run(g, {"x": x})
    assert (r.output("y") == 6).all()


def test_bf16_is_uint16_with_helpers():
    values = np.array([1.0, -2.5, 3.14159, 1e-3], np.float32)
    bits = tg.float32_to_bf16(values)
    assert bits.dtype == np.uint16
    back = tg.bf16_to_float32(bits)
    np.testing.assert_allclose(back, values, rtol=1 / 128)
    assert bits[0] == 0x3F80 and back[1] == -2.5
    # Same bits as torch.bfloat16 / truncation-with-rounding of the fp32 pattern.
    assert tg.float32_to_bf16(np.array([1.00390625], np.float32))[0] == 0x3F80  # tie to even

    g = doubling_graph(tg.bf16)

    def check(ctx):
        assert ctx.arg(0).dtype == np.uint16

    x = tg.float32_to_bf16(np.ones((4, 8), np.float32))
    mem = g.bind(x=x)
    assert mem["y"].dtype == np.uint16


def test_staging_is_readable_with_keep_staging():
    s = tg.Scope("st")
    x = s.input("x", [2, 4], tg.fp32)
    t = s.staging("t", [2, 4], tg.fp32)
    y = s.output("y", [2, 4], tg.fp32)

    def inc(ctx):
        ctx.arg(1)[...] = ctx.arg(0) + 1

    s.vector("a", [tg.In(x), tg.Out(t)], kernel=inc)
    s.vector("b", [tg.In(t), tg.Out(y)], kernel=inc)
    g = s.finalize()
    r = tg.HostExecutor(1).run(g, {"x": np.zeros((2, 4), np.float32)}, keep_staging=True)
    assert (r.staging("t") == 1).all() and (r.output("y") == 2).all()
    with pytest.raises(tg.BindingError):
        tg.HostExecutor(1).run(g, {"x": np.zeros((2, 4), np.float32)}).staging("t")


def test_python_kernel_sees_views_of_slices_and_blocks():
    s = tg.Scope("tiles")
    x = s.input("x", [4, 8], tg.fp32)
    y = s.output("y", [4, 8], tg.fp32)

    def per_block(ctx):
        rows = ctx.arg("src").shape[0] // ctx.block_num
        sl = slice(ctx.block_idx * rows, (ctx.block_idx + 1) * rows)
        ctx.arg("dst")[sl] = ctx.arg("src")[sl] + ctx.block_idx

    for c in (0, 4):
        s.vector("tile", kernel=per_block, src=tg.In(x[:, c:c + 4]), dst=tg.Out(y[:, c:c + 4])).blocks(2)
    g = s.finalize()
    x_np = np.zeros((4, 8), np.float32)
    r = tg.HostExecutor(2).run(g, {"x": x_np})
    np.testing.assert_array_equal(r.output("y")[:, 0], [0, 0, 1, 1])
    assert len(r.timeline) == 4
