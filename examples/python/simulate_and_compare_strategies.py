"""Simulate one graph on the modelled a2a3 chip with every dispatch strategy, side by side,
and read the timeline as numpy arrays."""
import numpy as np

import tilegraph as tg

s = tg.Scope("strategies")
x = s.input("x", [16, 7168], tg.bf16)
w = s.weight("w", [7168, 1536], tg.bf16)
acc = s.staging("acc", [16, 1536], tg.fp32)
y = s.output("y", [16, 1536], tg.bf16)
for c in range(0, 1536, 64):
    s.cube("proj", [tg.In(x), tg.In(w.cols(c, 64)), tg.Out(acc.cols(c, 64))],
           cost=tg.Cost(flops=2 * 16 * 7168 * 64, bytes=2 * 7168 * 64))
for r in range(0, 16, 4):
    s.vector("cast", [tg.In(acc.rows(r, 4)), tg.Out(y.rows(r, 4))], cost=tg.Cost(flops=4 * 1536, bytes=6 * 4 * 1536))
g = s.finalize()

names = tg.strategy_names()
results = [tg.SimExecutor("a2a3", strategy=name).simulate(g) for name in names]
print(tg.format_comparison(names, [r.analysis() for r in results]))
t = results[0].timeline
busy = (t.end - t.start).sum()
print(f"{len(t)} rows; cores busy {busy} ns in total; makespan {t.makespan_ns} ns")
assert all(r.makespan_ns > 0 for r in results) and np.all(t.start <= t.end)
