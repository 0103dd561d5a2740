"""Build a scope in Python, look at the inferred edges, lint it, and see finalize() refuse a hazard."""
import tilegraph as tg

s = tg.Scope("example")
x = s.input("x", [16, 512], tg.bf16)
w = s.weight("w", [512, 256], tg.bf16)
acc = s.staging("acc", [16, 256], tg.fp32)
y = s.output("y", [16, 256], tg.bf16)
for c in range(0, 256, 64):  # column tiles: no edges between them
    s.cube("proj", a=tg.In(x), b=tg.In(w.cols(c, 64)), c=tg.Out(acc[:, c:c + 64]))
s.vector("cast", [tg.In(acc), tg.Out(y)])
g = s.finalize()
for e in g.edges:
    print(f"{g.task(e['from']).label} -> {g.task(e['to']).label}  [{e['kind']} on {e['buffer']}{e['region']}]")
print("lint:", g.lint_summary())

# Two outputs of one task that overlap: finalize() raises LintError with every diagnostic.
bad = tg.Scope("hazard")
q = bad.output("q", [16, 128], tg.fp32)
bad.vector("two_outs", [tg.Out(q[:, 0:64]), tg.Out(q[:, 32:96])])
try:
    bad.finalize()
    raise SystemExit("expected a LintError")
except tg.LintError as e:
    d = e.diagnostics[0]
    assert e.rule == d.rule
    print(f"refused: {d.severity}[{d.rule}] task {d.task} arg {d.arg} on {d.buffer}{d.regions[0]}")
    print("  fix:", d.suggestion)
assert len(g.edges) == 4
