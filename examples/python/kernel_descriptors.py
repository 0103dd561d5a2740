"""Kernel descriptors (API v2) from Python: inspect a library kernel's contract, submit it
with named arguments (checked as in C++, cost derived), cut it into SPMD tiles, and declare a
host kernel of your own with a Python body (host-only, slower: for prototyping)."""
import numpy as np

import tilegraph as tg

mm = tg.kernels.matmul
print(mm.signature, "kind", mm.kind)
for p in mm.params:
    print(f"  {p.access.name:5s} {p.name}: {[d.name for d in p.dtypes]}")

s = tg.Scope("descriptors")
x = s.input("x", [32, 256], tg.bf16)
w = s.weight("w", [256, 128], tg.bf16)
acc = s.staging("acc", [32, 128], tg.fp32)
y = s.output("y", [32, 128], tg.fp32)

# One task, four blocks: c in 16 x 64 tiles, a by rows, b by columns (the grid follows).
proj = s.cube(mm, a=tg.In(x).tiled(tg.tile.rows(16)), b=tg.In(w).tiled(tg.tile.cols(64, 1)),
              c=tg.Out(acc).tiled(tg.tile.grid(16, 64)))
task = s.task(proj.id)
print(f"{task.label}: grid {task.grid}, {task.block_num} blocks, derived cost per block "
      f"{task.cost.flops:.0f} flop, {task.cost.bytes:.0f} B")
assert task.block_num == 4 and task.cost.flops == 2 * 16 * 256 * 64

# The contract is checked at submit, with the C++ error and its fields.
try:
    s.cube(mm, a=tg.In(acc), b=tg.In(w), c=tg.Out(y))
except tg.GraphError as e:
    print("refused:", e.param, "arg", e.arg, "->", str(e).splitlines()[0][:100])


def relu(ctx):  # ctx.param(name): this block's tile as numpy over the run's memory
    np.maximum(ctx.param("src"), 0, out=ctx.param("dst"))


relu_kernel = tg.Kernel("relu", [tg.Param("src", "in", [tg.fp32]), tg.Param("dst", "out", [tg.fp32])], relu,
                        cost=lambda v: tg.Cost(flops=v["src"].numel, bytes=2 * v["src"].nbytes))
s.host(relu_kernel, src=tg.In(acc).tiled(tg.tile.rows(16)), dst=tg.Out(y).tiled(tg.tile.rows(16)))
g = s.finalize()

rng = np.random.default_rng(0)
xs = tg.float32_to_bf16(rng.standard_normal((32, 256), np.float32))
ws = tg.float32_to_bf16(rng.standard_normal((256, 128), np.float32))
out = tg.HostExecutor(2).run(g, {"x": xs, "w": ws}).output("y")
expected = np.maximum(tg.bf16_to_float32(xs).astype(np.float64) @ tg.bf16_to_float32(ws), 0)
print("max |y - numpy| =", float(np.abs(out - expected).max()))
assert np.allclose(out, expected, rtol=1e-4, atol=1e-3)
assert '"kernel": "matmul"' in g.to_json()  # JSON v2 names each task's kernel and parameters
