"""JSON scopes out and in: export a Python-built graph, read it back (what `tilegraph lint`,
`sim`, `dot` read), and simulate the imported graph."""
import tilegraph as tg

s = tg.Scope("to_json")
x = s.input("x", [8, 128], tg.fp32)
y = s.output("y", [8, 128], tg.fp32)
with s.nest("halves"):
    for c in (0, 64):
        s.vector("half", [tg.In(x[:, c:c + 64]), tg.Out(y[:, c:c + 64])], cost=tg.Cost(flops=512, bytes=4096))
g = s.finalize()
g.write_json("scope.json")
again = tg.read_scope_json("scope.json")
print(again, "- same bytes:", again.to_json() == g.to_json())
print("simulated makespan:", tg.SimExecutor("a5").simulate(again).makespan_ns, "ns")
assert again.to_json() == g.to_json()
