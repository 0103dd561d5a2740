"""Errors are Python exceptions with fields; a Python kernel's exception comes back as a
KernelError naming task and block, with the original as __cause__."""
import numpy as np

import tilegraph as tg

s = tg.Scope("errors")
x = s.input("x", [4, 64], tg.fp32)
y = s.output("y", [4, 64], tg.fp32)
try:
    s.vector("slice_too_far", [tg.In(x[:, 32:96]), tg.Out(y)])
except tg.ShapeError as e:
    print(f"ShapeError: task {e.task}, arg {e.arg}, buffer {e.buffer}")


def flaky(ctx):
    if ctx.block_idx == 1:
        raise ValueError("bad block")
    ctx.arg(1)[...] = ctx.arg(0)


s.host("flaky", [tg.In(x), tg.Out(y)], kernel=flaky).blocks(2)
g = s.finalize()
host = tg.HostExecutor(2)
try:
    host.run(g, {"x": np.zeros((4, 64), np.float32)})
except tg.KernelError as e:
    print(f"KernelError: task {e.task}, block {e.block}, cause {e.__cause__!r}")
    assert isinstance(e.__cause__, ValueError)
print("executor still usable:", host.run(tg.Scope("empty").finalize()).source)
