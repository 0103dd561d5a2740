"""Binding numpy arrays: used in place when the buffer can read them as they are (C order,
whole rows), refused with the dim and stride otherwise; a copy only when asked for."""
import numpy as np

import tilegraph as tg

s = tg.Scope("bind")
x = s.input("x", [4, 8], tg.fp32)
y = s.output("y", [4, 8], tg.fp32)
s.vector(tg.kernels.scale.options(multiplier=2.0), x=tg.In(x), y=tg.Out(y))
g = s.finalize()

big = np.arange(128, dtype=np.float32).reshape(16, 8)
rows = big[4:8]                               # whole rows of a C-order array: row-major
memory = g.bind(x=rows)
assert memory["x"] is rows and not memory.copies
print("rows bound in place:", tg.HostExecutor(1).run(g, memory).output("y")[0])

columns = np.arange(64, dtype=np.float32).reshape(4, 16)[:, 4:12]
try:
    g.bind(x=columns)                         # a column slice: rows 64 B apart, not 32 B
except tg.BindingError as e:
    print("refused:", e.buffer, "-", str(e).split(": ", 1)[1][:110], "...")
else:
    raise SystemExit("a column slice must not bind silently")

memory = tg.Bindings(g).bind("x", columns, allow_copy=True)   # explicit: copied and listed
print("copies:", memory.copies)
out = tg.HostExecutor(1).run(g, memory).output("y")
assert np.array_equal(out, 2 * columns)
