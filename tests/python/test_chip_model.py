# The chip model from Python: RunResult.model (tg.ChipModelStats), the analysis' bound_by /
# advice / to_json, the component fields of tg.Machine, and seeded jitter.
import json

import pytest

import tilegraph as tg


def small_scope():
    s = tg.Scope("chip_model")
    x = s.input("x", [16, 512], tg.bf16)
    w = s.weight("w", [512, 256], tg.bf16)
    acc = s.staging("acc", [16, 256], tg.fp32)
    y = s.output("y", [16, 256], tg.bf16)
    for c in range(0, 256, 64):
        s.cube("proj", [tg.In(x), tg.In(w.cols(c, 64)), tg.Out(acc.cols(c, 64))],
               cost=tg.Cost(flops=2 * 16 * 512 * 64, bytes=2 * 512 * 64))
    s.vector("cast", [tg.In(acc), tg.Out(y)], cost=tg.Cost(flops=16 * 256, bytes=6 * 16 * 256))
    return s.finalize()


def test_a2a3_run_carries_the_chip_model_statistics():
    g = small_scope()
    machine = tg.load_machine("a2a3")
    assert machine.orchestrator_submit_ns > 0 and machine.orchestrator_per_arg_ns > 0
    r = tg.SimExecutor(machine).simulate(g)
    m = r.model
    assert isinstance(m, tg.ChipModelStats)
    # The orchestrator lane's busy time is its fixed cost per task plus its cost per tensor
    # argument: 4 proj tasks x 3 arguments + 1 cast x 2.
    assert m.orchestrator_busy_ns == 5 * machine.orchestrator_submit_ns + 14 * machine.orchestrator_per_arg_ns
    assert 0 < m.orchestrator_end_ns <= r.makespan_ns
    assert len(m.scheduler_busy_ns) == machine.scheduler_threads
    assert sum(m.scheduler_busy_ns) > 0
    assert len(m.hbm_bound_ns) == 2 and len(m.l2_bound_ns) == 2
    assert m.jitter_seed is None
    a = r.analysis()
    assert a.model is not None and a.model.orchestrator_busy_ns == m.orchestrator_busy_ns
    assert a.bound_by in ("orchestration", "scheduler threads", "HBM bandwidth", "compute", "critical path")
    assert a.advice
    doc = json.loads(a.to_json())
    assert doc["makespan_ns"] == r.makespan_ns
    assert "bound by" in str(a)


def test_turning_a_component_off_from_python_changes_the_model():
    g = small_scope()
    machine = tg.load_machine("a2a3")
    with_orchestrator = tg.SimExecutor(machine).simulate(g)
    machine.orchestrator_submit_ns = 0
    machine.orchestrator_per_arg_ns = 0
    without = tg.SimExecutor(machine).simulate(g)
    assert without.model.orchestrator_busy_ns == 0
    assert without.makespan_ns < with_orchestrator.makespan_ns


def test_a_bad_component_value_is_refused_by_validate():
    machine = tg.load_machine("a2a3")
    machine.cube_efficiency = 0
    with pytest.raises(tg.ConfigError):
        tg.SimExecutor(machine)


def test_the_pending_slot_is_a_machine_field():
    machine = tg.load_machine("a2a3")
    assert machine.core_pending_slots == 1
    assert machine.queued_switch_ns == 810
    machine.core_pending_slots = 2
    with pytest.raises(tg.ConfigError):
        tg.SimExecutor(machine)


def test_host_run_has_no_chip_model():
    g = small_scope()
    r = tg.HostExecutor(threads=1).run(g)
    assert r.model is None
    assert r.analysis().bound_by == ""


def test_jitter_is_seeded():
    g = small_scope()
    plain = tg.SimExecutor("a2a3").simulate(g)
    first = tg.SimExecutor("a2a3", jitter_seed=7).simulate(g)
    again = tg.SimExecutor("a2a3", jitter_seed=7).simulate(g)
    other = tg.SimExecutor("a2a3", jitter_seed=8).simulate(g)
    assert tg.SimExecutor("a2a3", jitter_seed=7).jitter_seed == 7
    assert first.model.jitter_seed == 7
    assert first.timeline.start.tolist() == again.timeline.start.tolist()
    assert first.timeline.start.tolist() != other.timeline.start.tolist()
    assert first.timeline.start.tolist() != plain.timeline.start.tolist()
