"""Write the HTML swimlane, the Perfetto trace and the graph's DOT of a simulated run.
(In a notebook, a result shows its swimlane inline: just evaluate `result`.)"""
import pathlib

import tilegraph as tg

s = tg.Scope("swimlane")
x = s.input("x", [16, 1024], tg.bf16)
mid = s.staging("mid", [16, 1024], tg.fp32)
y = s.output("y", [16, 1024], tg.bf16)
for c in range(0, 1024, 128):
    s.cube("load", [tg.In(x.cols(c, 128)), tg.Out(mid.cols(c, 128))], cost=tg.Cost(flops=1e6, bytes=4096))
    s.vector("store", [tg.In(mid.cols(c, 128)), tg.Out(y.cols(c, 128))], cost=tg.Cost(flops=1e4, bytes=4096))
g = s.finalize()
result = tg.SimExecutor("a2a3", strategy="critical-path").simulate(g)
out = pathlib.Path("swimlane_out")
out.mkdir(exist_ok=True)
result.write_html(str(out / "swimlane.html"))
result.write_perfetto(str(out / "trace.json"))
g.write_dot(str(out / "graph.dot"))
for f in sorted(out.iterdir()):
    print(f"{f}: {f.stat().st_size} bytes")
print("open swimlane.html in a browser, trace.json in https://ui.perfetto.dev")
assert "<iframe" in result._repr_html_()
