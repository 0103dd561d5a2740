"""Run DeepSeek V3.2 decode scope 1 (small config) from Python, check it against its golden,
read the precision report as data, and read the simulated run's statistics."""
import tilegraph as tg

r = tg.models.run("v32-decode-scope1", config="small", seed=1, threads=2, dump="v32_dump")
report = r.report
for stage in report.stages:
    worst = max(stage.local, key=lambda t: t.max_abs_err)
    print(f"{stage.stage:24s} local {'ok' if stage.local_passed else 'FAIL'}  "
          f"worst {worst.tensor}: max abs {worst.max_abs_err:.3g}, mismatches {worst.mismatches}/{worst.compared}")
print("first diverging stage:", report.first_diverging_stage)
print("dumped to v32_dump/{inputs,staging,outputs}/")
assert report.passed

sim = tg.models.run("v32-decode-scope1", config="small", seed=1, threads=2, machine="a2a3", strategy="critical-path").sim
a = sim.analysis()
print(f"simulated on a2a3 ({sim.strategy}): makespan {sim.makespan_ns} ns, {sim.events} events, "
      f"peak staging {sim.peak_staging_bytes_last_use} B, {len(sim.timeline)} timeline rows")
print(a)
assert sim.makespan_ns > 0 and sim.events > 0
