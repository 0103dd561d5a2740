"""Run DeepSeek V3.2 decode scope 1 (small config) from Python, check it against its golden
and read the precision report as data."""
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
