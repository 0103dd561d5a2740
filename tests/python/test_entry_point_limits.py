# The module's entry points refuse what the CLI's option checks refuse (docs/cli.md, "Option
# limits"): thread counts beyond the cap (a million crashed the interpreter), negative ones,
# deadlines that are NaN, infinite or negative (taken for "no deadline"), and float arrays
# given as bf16 bits (read as the bits of their truncated values).
import math
import os

import numpy as np
import pytest

import tilegraph as tg

CAP = 8 * max(1, os.cpu_count() or 1)


@pytest.mark.parametrize("threads", [-5, -1, CAP + 1, 1_000_000])
def test_host_executor_threads_out_of_range_are_refused(threads):
    with pytest.raises(tg.ConfigError) as e:
        tg.HostExecutor(threads)
    assert "HostExecutor(threads)" in str(e.value) and f"expected 0 (all cores) to {CAP}" in str(e.value)


def test_host_executor_threads_in_range_are_taken():
    assert tg.HostExecutor(0).threads >= 1
    assert tg.HostExecutor(CAP).threads == CAP


@pytest.mark.parametrize("threads", [-3, 1_000_000])
def test_sim_executor_functional_threads_out_of_range_are_refused(threads):
    with pytest.raises(tg.ConfigError, match=r"SimExecutor\(functional_threads\)"):
        tg.SimExecutor("a2a3", functional_threads=threads)


def doubling_graph():
    s = tg.Scope("double")
    x = s.input("x", [4, 8], tg.fp32)
    y = s.output("y", [4, 8], tg.fp32)

    def double(ctx):
        ctx.arg(1)[...] = ctx.arg(0) * 2

    s.vector("double", [tg.In(x), tg.Out(y)], kernel=double)
    return s.finalize()


@pytest.mark.parametrize("seconds", [math.nan, math.inf, -1.0, 604801.0])
def test_host_run_deadline_out_of_range_is_refused(seconds):
    g = doubling_graph()
    with pytest.raises(tg.ConfigError, match="timeout_seconds .* expected a number of seconds from 0"):
        tg.HostExecutor(1).run(g, {"x": np.ones((4, 8), np.float32)}, timeout_seconds=seconds)


@pytest.mark.parametrize("seconds", [math.nan, -1.0])
def test_model_run_deadline_out_of_range_is_refused(seconds):
    run = tg.models.ModelRun("v32-decode-scope1", config="small")
    run.generate_inputs(1)
    with pytest.raises(tg.ConfigError, match=r"ModelRun.run\(timeout_seconds\)"):
        run.run(tg.HostExecutor(1), seconds)


def test_a_generous_deadline_runs():
    g = doubling_graph()
    r = tg.HostExecutor(1).run(g, {"x": np.ones((4, 8), np.float32)}, timeout_seconds=600.0)
    assert (r.output("y") == 2).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.uint8])
def test_bf16_to_float32_refuses_arrays_that_are_not_bits(dtype):
    with pytest.raises(tg.ShapeError, match="is not bf16 bits; pass a uint16"):
        tg.bf16_to_float32(np.full(4, 1.5, dtype))


def test_bf16_to_float32_reads_uint16_and_int16_bits():
    bits = tg.float32_to_bf16(np.array([1.5, -2.0], np.float32))
    assert tg.bf16_to_float32(bits).tolist() == [1.5, -2.0]
    assert tg.bf16_to_float32(bits.view(np.int16)).tolist() == [1.5, -2.0]
    assert tg.bf16_to_float32(np.zeros((4, 8), np.uint16)[:, ::2]).shape == (4, 4)  # strided: copied
