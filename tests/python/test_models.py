# The model scopes from Python: a run passing its golden, the precision report as data, a dump.
import json

import numpy as np
import pytest

import tilegraph as tg


def test_model_names():
    names = tg.models.names()
    assert "v32-decode-scope1" in names
    assert "small" in tg.models.describe("v32-decode-scope1")["configs"]
    with pytest.raises(tg.ConfigError):
        tg.models.build("no-such-model")


def test_v32_scope1_from_python_passes_its_golden(tmp_path):
    r = tg.models.run("v32-decode-scope1", config="small", seed=7, threads=2, dump=tmp_path / "dump")
    report = r.report
    assert report.passed and report.first_diverging_stage is None and r.passed
    assert [st.stage for st in report.stages][:1] == ["input_rmsnorm"] or report.stages
    stats = report.stages[0].local[0]
    assert stats.compared > 0 and stats.passed and stats.max_abs_err >= 0 and stats.tolerance["rule"]
    assert "PASS" in str(report) or "within tolerance" in str(report) or str(report)
    manifest = json.loads((tmp_path / "dump" / "manifest.json").read_text())
    assert manifest["model"] == "v32-decode-scope1" and manifest["seed"] == 7
    outputs = sorted(p.name for p in (tmp_path / "dump" / "outputs").iterdir())
    assert outputs
    first = outputs[0][:-4]
    on_disk = np.load(tmp_path / "dump" / "outputs" / outputs[0])
    np.testing.assert_array_equal(on_disk, r.run.tensor(first))
    assert len(r.host.timeline) >= len(r.graph)


def test_v32_scope1_simulated_and_planted_bug():
    r = tg.models.run("v32-decode-scope1", config="small", seed=1, threads=1, machine="a2a3",
                      strategy="critical-path")
    assert r.sim is not None and r.sim.makespan_ns > 0 and r.sim_report.passed
    assert r.sim.analysis().makespan_ns == r.sim.makespan_ns and "tg-data" in r._repr_html_()
    # The simulator's own statistics, as for a scope simulated with SimExecutor.simulate.
    alone = tg.SimExecutor("a2a3", strategy="critical-path").simulate(r.graph)
    assert r.sim.strategy == "critical-path" and r.sim.events == alone.events > 0
    assert r.sim.makespan_ns == alone.makespan_ns
    assert r.sim.peak_staging_bytes_last_use == alone.peak_staging_bytes_last_use > 0
    assert r.sim.tasks_without_cost == alone.tasks_without_cost
    t = r.sim.timeline
    assert len(t) == len(alone.timeline) and (t["end"] >= t["start"]).all()


def test_planted_bug_shows_in_the_report():
    assert "rmsnorm-variance" in tg.models.describe("v32-decode-scope1")["bugs"]
    m = tg.models.build("v32-decode-scope1", config="small", plant_bug="rmsnorm-variance", lint=False)
    m.generate_inputs(1)
    m.run(tg.HostExecutor(2))
    report = m.check()
    assert not report.passed and report.first_diverging_stage is not None


def test_model_run_step_by_step():
    m = tg.models.build("v32-decode-scope1", config="small")
    m.generate_inputs(3)
    m.validate_inputs()
    name = m.tensor_names[0]
    before = m.tensor(name).copy()
    m.run(tg.HostExecutor(2))
    assert m.check().passed
    assert m.summary() and m.tensor(name).shape == before.shape


@pytest.mark.parametrize("name", ["v32-decode-scope1", "v4-qkv-proj-rope", "v4-swa-attention"])
def test_every_model_passes_on_host_and_simulated(name):
    assert name in tg.models.names()
    r = tg.models.run(name, config="small", seed=2, threads=1, machine="a2a3", strategy="critical-path")
    assert r.report.passed and r.sim_report.passed
    assert r.sim.is_simulation and r.sim.machine.name == "a2a3" and r.sim.makespan_ns > 0
    assert len(r.sim.timeline) >= len(r.graph)
