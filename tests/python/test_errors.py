# Errors become Python exceptions of matching classes with the structured fields; a Python
# exception in a host kernel surfaces as KernelError naming task and block, with the original
# as its __cause__, and the executor stays usable.
import numpy as np
import pytest

import tilegraph as tg


def test_class_hierarchy():
    for name in ("ShapeError", "GraphError", "ConfigError", "IoError", "CapacityError", "BindingError",
                 "RunStoppedError", "KernelError", "LintError"):
        cls = getattr(tg, name)
        assert issubclass(cls, tg.Error) and cls.__module__ == "tilegraph"
    assert issubclass(tg.Error, RuntimeError)


def failing_graph(fail_block):
    s = tg.Scope("fails")
    x = s.input("x", [4, 4], tg.fp32)
    y = s.output("y", [4, 4], tg.fp32)

    def kernel(ctx):
        if ctx.block_idx == fail_block:
            raise ZeroDivisionError("block %d divides by zero" % ctx.block_idx)
        ctx.arg(1)[ctx.block_idx] = ctx.arg(0)[ctx.block_idx] + 1

    s.host("risky", [tg.In(x), tg.Out(y)], kernel=kernel).blocks(4)
    return s.finalize()


def test_python_exception_in_kernel_is_kernel_error_with_cause():
    host = tg.HostExecutor(2)
    g = failing_graph(fail_block=2)
    with pytest.raises(tg.KernelError) as e:
        host.run(g, {"x": np.zeros((4, 4), np.float32)})
    err = e.value
    assert err.task == "risky#0" and err.block == 2
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert "block 2 divides by zero" in str(err.__cause__) and "ZeroDivisionError" in str(err)
    assert err.__cause__.__traceback__ is not None
    # The executor stays usable.
    ok = failing_graph(fail_block=-1)
    r = host.run(ok, {"x": np.zeros((4, 4), np.float32)})
    assert (r.output("y") == 1).all()


def test_kernel_error_in_functional_simulation():
    g = failing_graph(fail_block=0)
    sim = tg.SimExecutor("a2a3", functional_threads=1)
    with pytest.raises(tg.KernelError) as e:
        sim.simulate(g, {"x": np.zeros((4, 4), np.float32)})
    assert e.value.block == 0 and isinstance(e.value.__cause__, ZeroDivisionError)


def test_lint_error_carries_diagnostics():
    s = tg.Scope("hazard")
    x = s.input("x", [4, 8], tg.fp32)
    t = s.staging("t", [4, 8], tg.fp32)
    y = s.output("y", [4, 8], tg.fp32)
    s.vector("reads_first", [tg.In(t), tg.Out(y)])  # staging read before any write
    s.vector("writes", [tg.In(x), tg.Out(t)])
    with pytest.raises(tg.LintError) as e:
        s.finalize()
    err = e.value
    assert err.rule == "read-before-write" and err.buffer == "t" and err.scope == "hazard"
    assert err.diagnostics[0].rule == "read-before-write" and err.diagnostics[0].severity == "error"
    assert err.diagnostics[0].task == 0
    # The views of a scope whose finalize() raised stay valid (the scope keeps its buffers).
    assert t.cols(0, 4).describe() == "t[0:4, 0:4]" and y.shape == [4, 8]


def test_lint_off_builds_the_hazard():
    s = tg.Scope("hazard")
    t = s.staging("t", [4, 8], tg.fp32)
    y = s.output("y", [4, 8], tg.fp32)
    s.vector("reads_first", [tg.In(t), tg.Out(y)])
    g = s.finalize(lint=False)
    assert not g.lint_summary().ran
    assert any(d.rule == "read-before-write" for d in g.lint())


def test_config_io_graph_capacity_errors():
    with pytest.raises(tg.ConfigError) as e:
        tg.load_machine("a9")
    assert "a2a3" in str(e.value)
    with pytest.raises(tg.ConfigError):
        tg.SimExecutor("a2a3", strategy="random")
    with pytest.raises(tg.IoError):
        tg.read_scope_json("/nonexistent/scope.json")
    s = tg.Scope("cycle")
    x = s.input("x", [2], tg.fp32)
    a = s.vector("a", [tg.In(x)])
    b = s.vector("b", [tg.In(x)], after=[a])
    s.task(0)  # tasks are readable before finalize
    a.after(b)
    with pytest.raises(tg.GraphError):
        s.finalize()
    s = tg.Scope("big")
    x = s.input("x", [1024, 1024], tg.fp32)
    y = s.output("y", [1024, 1024], tg.fp32)
    s.vector("huge", [tg.In(x), tg.Out(y)], cost=tg.Cost(flops=1, bytes=1, working_set_bytes=1 << 30))
    with pytest.raises(tg.CapacityError) as e:
        tg.SimExecutor("a2a3").simulate(s.finalize())
    assert e.value.task is not None


def test_json_config_error_names_the_path():
    with pytest.raises(tg.ConfigError) as e:
        tg.parse_scope_json('{"version": 1, "name": "x", "buffers": [{"name": "a"}], "tasks": []}', "mine.json")
    assert e.value.file == "mine.json" or "mine.json" in str(e.value)
    assert e.value.json_path is not None


def test_run_stopped_by_deadline():
    import time
    s = tg.Scope("slow")
    x = s.input("x", [1], tg.fp32)

    def slow(ctx):
        time.sleep(0.3)

    for i in range(4):
        s.host("nap", [tg.In(x)], kernel=slow)
    g = s.finalize()
    host = tg.HostExecutor(1)
    with pytest.raises(tg.RunStoppedError):
        host.run(g, {"x": np.zeros(1, np.float32)}, timeout_seconds=0.05)
    host.run(tg.Scope("empty").finalize())


def test_wrong_python_types_are_type_errors_that_say_what_was_expected():
    s = tg.Scope("types")
    x = s.input("x", [8, 8], tg.fp32)
    with pytest.raises(TypeError, match="list of ints"):
        s.input("a", "abc", tg.fp32)
    with pytest.raises(TypeError, match="tg dtype"):
        s.input("b", [8], 3.5)
    with pytest.raises(TypeError, match="int or a slice"):
        x["a"]
    with pytest.raises(TypeError, match="tg.In/Out/InOut"):
        s.vector("v", [x])
    with pytest.raises(TypeError, match="tg.Cost"):
        s.vector("v", [tg.In(x)], cost=5)
    with pytest.raises(TypeError, match="tg.Machine"):
        tg.SimExecutor(5)
    with pytest.raises(tg.GraphError):
        s.mix("m", [tg.In(x)], mix_slots=300)
    g = s.finalize(lint=False)
    with pytest.raises(IndexError):
        g.successors(999)
    with pytest.raises(IndexError):
        g.task(999)


def test_a_kernel_cannot_write_its_inputs_and_its_context_dies_with_the_call():
    kept = []
    s = tg.Scope("ro")
    x = s.input("x", [2], tg.fp32)
    y = s.output("y", [2], tg.fp32)

    def kernel(ctx):
        kept.append(ctx)
        ctx.arg(1)[...] = 1  # Out: writable
        ctx.arg(0)[0] = 5    # In: read-only

    s.host("k", [tg.In(x), tg.Out(y)], kernel=kernel)
    x_np = np.zeros(2, np.float32)
    with pytest.raises(tg.KernelError) as e:
        tg.HostExecutor(1).run(s.finalize(), {"x": x_np})
    assert isinstance(e.value.__cause__, ValueError) and x_np[0] == 0
    with pytest.raises(tg.Error, match="only while the kernel runs"):
        kept[0].arg(0)


def test_an_array_kept_past_the_kernel_call_is_an_error_and_a_copy_is_not():
    # ctx.arg's arrays point into the run's memory, reused and freed after the run: one kept
    # past the call would read freed memory later, so the call's end refuses it.
    kept = []

    def scope_with(kernel):
        s = tg.Scope("keep")
        x = s.input("x", [2], tg.fp32)
        y = s.output("y", [2], tg.fp32)
        s.host("k", [tg.In(x), tg.Out(y)], kernel=kernel)
        return s.finalize()

    def keeps_the_array(ctx):
        ctx.arg(1)[...] = ctx.arg(0) + 1
        kept.append(ctx.arg(1))

    def keeps_a_view(ctx):
        ctx.arg(1)[...] = 1
        kept.append(ctx.arg(1)[:1])

    def keeps_a_copy(ctx):
        ctx.arg(1)[...] = ctx.arg(0) + 2
        kept.append(np.copy(ctx.arg(1)))

    x = {"x": np.zeros(2, np.float32)}
    for kernel in (keeps_the_array, keeps_a_view):
        with pytest.raises(tg.KernelError, match="still referenced after the kernel returned") as e:
            tg.HostExecutor(1).run(scope_with(kernel), x)
        assert e.value.task == "k#0" and "numpy.copy" in str(e.value)
    kept.clear()  # the escaped arrays are not to be read
    r = tg.HostExecutor(1).run(scope_with(keeps_a_copy), x)
    assert (kept[0] == 2).all() and (r.output("y") == 2).all()

