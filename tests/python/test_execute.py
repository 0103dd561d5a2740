# Host execution and simulation on every preset and strategy: makespan, analysis figures,
# the timeline as numpy arrays, the HTML / Perfetto / DOT writers, _repr_html_.
import json

import numpy as np
import pytest

import tilegraph as tg


def tiled_scope(with_kernels=False):
    s = tg.Scope("tiled")
    x = s.input("x", [16, 512], tg.bf16)
    w = s.weight("w", [512, 256], tg.bf16)
    acc = s.staging("acc", [16, 256], tg.fp32)
    y = s.output("y", [16, 256], tg.bf16)
    for c in range(0, 256, 64):
        s.cube("proj", [tg.In(x), tg.In(w.cols(c, 64)), tg.Out(acc.cols(c, 64))],
               kernel=tg.kernels.matmul if with_kernels else None,
               cost=tg.Cost(flops=2 * 16 * 512 * 64, bytes=2 * 512 * 64))
    s.vector("cast", [tg.In(acc), tg.Out(y)], kernel=tg.kernels.cast if with_kernels else None,
             cost=tg.Cost(flops=16 * 256, bytes=6 * 16 * 256))
    mix = s.mix("mixed", [tg.In(y)], cost=tg.Cost(flops=1000, bytes=1000)).blocks(2)
    return s.finalize(), mix


@pytest.mark.parametrize("preset", tg.machine_preset_names())
@pytest.mark.parametrize("strategy", tg.strategy_names())
def test_simulate_every_preset_and_strategy(preset, strategy):
    g, _ = tiled_scope()
    sim = tg.SimExecutor(preset, strategy=strategy)
    r = sim.simulate(g)
    assert r.is_simulation and r.strategy == strategy and r.makespan_ns > 0
    a = r.analysis()
    assert a.makespan_ns == r.makespan_ns
    assert 0 < a.static_critical_path_ns <= a.makespan_ns
    assert a.observed_critical_path and a.observed_critical_path[-1] in (5,)
    assert {e.engine for e in a.engines} >= {"AIC", "AIV"}
    assert "makespan" in str(a)


def test_simulation_is_deterministic_and_strategies_compare():
    g, _ = tiled_scope()
    runs = [tg.SimExecutor("a2a3", strategy=s).simulate(g) for s in tg.strategy_names()]
    again = tg.SimExecutor("a2a3", strategy=tg.strategy_names()[0]).simulate(g)
    assert again.makespan_ns == runs[0].makespan_ns
    np.testing.assert_array_equal(again.timeline.start, runs[0].timeline.start)
    table = tg.format_comparison(tg.strategy_names(), [r.analysis() for r in runs])
    assert all(name in table for name in tg.strategy_names())


def test_timeline_arrays_one_row_per_block_and_mix_subslot():
    g, mix = tiled_scope()
    t = tg.SimExecutor("a2a3").simulate(g).timeline
    # 4 cube + 1 vector blocks, and the MIX task's 2 blocks x 3 subslots.
    assert len(t) == 4 + 1 + 2 * 3
    for name in tg.TimelineArrays.COLUMNS:
        assert len(t[name]) == len(t)
    assert t.start.dtype == np.int64 and t.task.dtype == np.uint32
    assert sorted(t.subslot[t.task == mix.id].tolist()) == [0, 0, 1, 1, 2, 2]
    assert (t.ready <= t.dispatch).all() and (t.dispatch <= t.start).all()
    assert (t.start <= t.end).all() and (t.end <= t.finish).all()
    assert t.makespan_ns == t.finish.max()
    lane_names = [t.lanes[i][0] for i in t.lane]
    assert any(n.endswith("AIC") for n in lane_names) and set(t.to_dict()) == set(t.COLUMNS)


def test_host_run_with_library_kernels_matches_numpy():
    g, _ = tiled_scope(with_kernels=True)
    rng = np.random.default_rng(1)
    x = tg.float32_to_bf16(rng.standard_normal((16, 512), np.float32))
    w = tg.float32_to_bf16(rng.standard_normal((512, 256), np.float32))
    host = tg.HostExecutor(2)
    r = host.run(g, {"x": x, "w": w})
    expected = tg.bf16_to_float32(x).astype(np.float64) @ tg.bf16_to_float32(w).astype(np.float64)
    got = tg.bf16_to_float32(r.output("y"))
    np.testing.assert_allclose(got, expected, rtol=1 / 64, atol=1e-2)
    assert not r.is_simulation and len(r.timeline) == 4 + 1 + 2
    assert (r.timeline.end >= r.timeline.start).all()


def test_functional_simulation_runs_the_kernels():
    g, _ = tiled_scope(with_kernels=True)
    x = tg.float32_to_bf16(np.ones((16, 512), np.float32))
    w = tg.float32_to_bf16(np.ones((512, 256), np.float32))
    r = tg.SimExecutor("a5", functional_threads=1).simulate(g, {"x": x, "w": w})
    assert (tg.bf16_to_float32(r.output("y")) == 512).all()
    assert tg.SimExecutor("a5").run(g).makespan_ns == r.makespan_ns


def test_writers_html_perfetto_dot(tmp_path):
    g, _ = tiled_scope()
    r = tg.SimExecutor("a2a3").simulate(g)
    page = r.html()
    assert page.startswith("<!DOCTYPE html>") or page.startswith("<!doctype html>") or "<html" in page[:200]
    assert 'id="tg-data"' in page
    trace = json.loads(r.perfetto())
    assert trace["otherData"]["makespan_ns"] == r.makespan_ns and trace["traceEvents"]
    r.write_html(str(tmp_path / "s.html"))
    r.write_perfetto(str(tmp_path / "t.json"))
    assert (tmp_path / "s.html").read_text() == page
    dot = g.to_dot()
    assert dot.startswith("digraph") and "proj#0" in dot
    g.write_dot(str(tmp_path / "g.dot"))
    assert (tmp_path / "g.dot").read_text() == dot
    with pytest.raises(tg.IoError):
        r.write_html("/nonexistent/dir/s.html")


def test_repr_html_is_the_swimlane_in_an_iframe():
    g, _ = tiled_scope()
    r = tg.SimExecutor("a2a3").simulate(g)
    snippet = r._repr_html_()
    assert snippet.startswith("<iframe srcdoc=") and "tg-data" in snippet


def test_sim_result_figures_and_machine():
    g, _ = tiled_scope()
    m = tg.machine("a2a3")
    assert m.core_groups == 24 and m.name == "a2a3"
    m.core_groups = 2
    r = tg.SimExecutor(m, staging="scope-exit-ring").simulate(g)
    assert r.machine.core_groups == 2
    assert r.peak_staging_bytes_last_use >= 16 * 256 * 4
    assert r.tasks_without_cost == 0 and r.events > 0 and r.rings
    slower = tg.SimExecutor(m).simulate(g)
    assert slower.makespan_ns >= tg.SimExecutor("a2a3").simulate(g).makespan_ns


def test_gil_is_released_while_cpp_runs():
    # Blocks of Python kernels run on the executor's worker threads, which take the GIL: were
    # it held by the caller during run(), the workers would wait forever (CTest's timeout).
    s = tg.Scope("gil")
    x = s.input("x", [1], tg.fp32)
    seen = set()

    def busy(ctx):
        import threading
        seen.add(threading.get_ident())

    for _ in range(64):
        s.host("k", [tg.In(x)], kernel=busy).blocks(4)
    g = s.finalize()
    r = tg.HostExecutor(2).run(g, {"x": np.zeros(1, np.float32)})
    assert len(r.timeline) == 256 and seen
