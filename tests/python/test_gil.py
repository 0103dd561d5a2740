# The GIL is released while C++ runs: another Python thread makes progress during a run. No
# timing: the second thread stops the run with cancel(), which it can only do while the run
# is still going, i.e. only if it gets the GIL while run() is in C++.
import threading

import numpy as np
import pytest

import tilegraph as tg


def long_graph(tasks=1000, n=1024):
    # Each matmul_acc is 2 GFLOP (~30 ms on one Zen 3 thread), chained through acc: the whole
    # run takes half a minute; a cancelled one stops after the task in flight.
    s = tg.Scope("long")
    a = s.input("a", [n, n], tg.bf16)
    b = s.weight("b", [n, n], tg.bf16)
    acc = s.inout("acc", [n, n], tg.fp32)
    for _ in range(tasks):
        s.cube(tg.kernels.matmul_acc, a=tg.In(a), b=tg.In(b), c=tg.InOut(acc))
    return s.finalize(), n


def test_a_second_python_thread_progresses_while_a_host_run_is_in_cpp():
    g, n = long_graph()
    host = tg.HostExecutor(1)
    memory = {"a": np.zeros((n, n), np.uint16), "b": np.zeros((n, n), np.uint16), "acc": np.zeros((n, n), np.float32)}
    run_started = threading.Event()
    run_over = threading.Event()
    calls = []

    def canceller():
        run_started.wait()
        while not run_over.is_set():
            calls.append(1)
            host.cancel()  # a no-op until the run has begun; it stops it once it has
            run_over.wait(0.001)

    thread = threading.Thread(target=canceller)
    thread.start()
    try:
        run_started.set()
        with pytest.raises(tg.RunStoppedError, match="cancel"):
            host.run(g, memory)
    finally:
        run_over.set()
        thread.join()
    assert calls
    # The executor stays usable after the stop.
    short, _ = long_graph(tasks=1, n=16)
    assert len(host.run(short, {"a": np.zeros((16, 16), np.uint16), "b": np.zeros((16, 16), np.uint16),
                                "acc": np.zeros((16, 16), np.float32)}).timeline) == 1
