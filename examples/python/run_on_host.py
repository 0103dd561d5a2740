"""Run a scope on the host: inputs bound from numpy without copies, a library kernel and a
Python kernel (host-only, slower: for prototyping), outputs read back as numpy."""
import numpy as np

import tilegraph as tg

s = tg.Scope("host_run")
x = s.input("x", [16, 256], tg.bf16)
w = s.weight("w", [256, 64], tg.bf16)
acc = s.staging("acc", [16, 64], tg.fp32)
y = s.output("y", [16, 64], tg.fp32)
s.cube(tg.kernels.matmul, a=tg.In(x), b=tg.In(w), c=tg.Out(acc))  # checked, cost derived


def relu(ctx):  # ctx.arg(...) are numpy arrays over the run's memory
    np.maximum(ctx.arg("src"), 0, out=ctx.arg("dst"))


s.host("relu", kernel=relu, src=tg.In(acc), dst=tg.Out(y))
g = s.finalize()

rng = np.random.default_rng(0)
x_np = tg.float32_to_bf16(rng.standard_normal((16, 256), np.float32))  # bf16 travels as uint16
w_np = tg.float32_to_bf16(rng.standard_normal((256, 64), np.float32))
memory = g.bind(x=x_np, w=w_np)
assert memory["x"] is x_np and not memory.copies  # used in place
result = tg.HostExecutor(2).run(g, memory)
out = result.output("y")  # shares memory with the run
expected = np.maximum(tg.bf16_to_float32(x_np) @ tg.bf16_to_float32(w_np), 0)
print("max |y - numpy| =", float(np.abs(out - expected).max()))
print("timeline rows:", len(result.timeline), "on", result.source)
assert np.allclose(out, expected, rtol=1e-4, atol=1e-3)
