"""Figures for docs/performance.md, "Python module" (not a test: run by hand).

    PYTHONPATH=build/python /usr/bin/python3 tests/python/bench_python.py

CPU time of this process (time.process_time), best of 5 repetitions.
"""
import time

import numpy as np

import tilegraph as tg


def best(fn, reps=5):
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def submit_tasks(n):
    s = tg.Scope("bench")
    x = s.input("x", [16, 64 * n], tg.bf16)
    y = s.staging("y", [16, 64 * n], tg.fp32)
    for c in range(n):
        s.vector("t", [tg.In(x.cols(64 * c, 64)), tg.Out(y.cols(64 * c, 64))])
    return s


def submit_named(n):
    s = tg.Scope("bench")
    x = s.input("x", [16, 64 * n], tg.bf16)
    y = s.staging("y", [16, 64 * n], tg.fp32)
    for c in range(n):
        s.vector("t", a=tg.In(x[:, 64 * c:64 * c + 64]), b=tg.Out(y[:, 64 * c:64 * c + 64])).blocks(2)
    return s


def submit_descriptor(n):
    s = tg.Scope("bench")
    x = s.input("x", [16, 64 * n], tg.fp32)
    y = s.staging("y", [16, 64 * n], tg.bf16)
    for c in range(n):
        s.vector(tg.kernels.cast, src=tg.In(x.cols(64 * c, 64)), dst=tg.Out(y.cols(64 * c, 64)))
    return s


def kernel_graph(n, kernel):
    s = tg.Scope("k")
    x = s.input("x", [n], tg.fp32)
    for i in range(n):
        s.host("k", [tg.In(x[i:i + 1])], kernel=kernel)
    return s.finalize(lint=False)


def main():
    n = 10000
    print(f"submit, list args:   {best(lambda: submit_tasks(n)) / n * 1e6:.2f} us per task ({n} tasks)")
    print(f"submit, named args:  {best(lambda: submit_named(n)) / n * 1e6:.2f} us per task (+ slicing, blocks)")
    print(f"submit, descriptor:  {best(lambda: submit_descriptor(n)) / n * 1e6:.2f} us per task "
          f"(tg.kernels.cast by name: checked, cost derived)")
    print(f"finalize:            {best(lambda: submit_tasks(n).finalize(lint=False)) / n * 1e6:.2f} us per task "
          f"(submit + finalize)")

    host = tg.HostExecutor(1)
    m = 2000
    empty = kernel_graph(m, None)
    noop = kernel_graph(m, lambda ctx: None)
    touch = kernel_graph(m, lambda ctx: ctx.arg(0))
    mem = {"x": np.zeros(m, np.float32)}
    t_empty = best(lambda: host.run(empty, mem))
    t_noop = best(lambda: host.run(noop, mem))
    t_touch = best(lambda: host.run(touch, mem))
    print(f"host run, no kernel:       {t_empty / m * 1e6:.2f} us per task (1 thread)")
    print(f"host run, Python no-op:    {t_noop / m * 1e6:.2f} us per task")
    print(f"host run, ctx.arg(0):      {t_touch / m * 1e6:.2f} us per task")

    s = tg.Scope("bind")
    s.input("x", [4096, 4096], tg.fp32)
    g = s.finalize()
    big = np.zeros((4096, 4096), np.float32)
    strided = np.zeros((4096, 8192), np.float32)[:, ::2]
    print(f"bind 64 MiB in place:      {best(lambda: g.bind(x=big)) * 1e6:.1f} us")
    print(f"bind 64 MiB strided copy:  {best(lambda: tg.Bindings(g).bind('x', strided, allow_copy=True)) * 1e3:.1f} ms "
          f"(allow_copy=True; refused without it)")


if __name__ == "__main__":
    main()
