# Scopes from Python: buffers, views and slicing, submission, settings, nesting, pipelines.
import pytest

import tilegraph as tg


def small_scope():
    s = tg.Scope("small")
    x = s.input("x", [8, 64], tg.fp32)
    tmp = s.staging("tmp", [8, 64], tg.fp32)
    y = s.output("y", [8, 64], tg.fp32)
    return s, x, tmp, y


def test_buffers_have_name_shape_dtype_role():
    s = tg.Scope("b")
    w = s.weight("w", [256, 128], "bf16")
    assert (w.buffer, w.shape, w.dtype, w.role) == ("w", [256, 128], tg.bf16, "weight")
    assert s.buffer("k", [4], tg.int8, "inout").role == "inout"
    with pytest.raises(tg.ConfigError):
        s.buffer("z", [4], tg.fp32, "scratch")
    with pytest.raises(tg.ConfigError):
        s.input("q", [4], "fp64")


def test_slicing_matches_slice_cols_rows():
    s, x, _, _ = small_scope()
    assert x[:, 16:48] == x.cols(16, 32) == x.slice([0, 16], [8, 32])
    assert x[2:4] == x.rows(2, 2)
    assert x[-2:, -8:] == x.slice([6, 56], [2, 8])
    assert x[3].shape == [1, 64]  # an integer index keeps its dim
    assert x[:, 16:48].box == ([0, 16], [8, 32])
    assert x[:, 16:48].describe() == "x[0:8, 16:48]"


def test_reshape_and_flatten():
    s, x, _, _ = small_scope()
    r = x.reshape(16, 32)
    assert r.shape == [16, 32] and x.reshape([16, 32]) == r
    assert x.flatten().shape == [512]
    assert r.box is None  # a reshaped frame is not a box of the buffer


def test_bad_slice_raises_shape_error_at_submit_with_task_and_arg():
    s, x, tmp, _ = small_scope()
    bad = x[:, 60:70]  # past the end: not clamped
    assert not bad.valid and "out of bounds" in bad.defect
    with pytest.raises(tg.ShapeError) as e:
        s.vector("oops", [tg.In(bad), tg.Out(tmp)])
    assert e.value.task == "oops#0" and e.value.arg == 0 and e.value.buffer == "x"
    with pytest.raises(tg.ShapeError):
        x[::2]


def test_edges_are_inferred_from_regions():
    s, x, tmp, y = small_scope()
    left = s.vector("left", [tg.In(x.cols(0, 32)), tg.Out(tmp.cols(0, 32))])
    right = s.vector("right", [tg.In(x.cols(32, 32)), tg.Out(tmp.cols(32, 32))])
    s.vector("consume", [tg.In(tmp), tg.Out(y)])
    g = s.finalize()
    pairs = sorted((e["from"], e["to"], e["kind"]) for e in g.edges)
    assert pairs == [(left.id, 2, "raw"), (right.id, 2, "raw")]
    assert g.edges[0]["buffer"] == "tmp" and g.edges[0]["region"] == "[0:8, 0:32]"
    assert g.successors(0) == [2] and g.predecessors(2) == [0, 1]
    assert len(g) == 3 and g.topo_order[-1] == 2
    g.verify()


def test_named_arguments_set_parameter_names():
    s, x, tmp, y = small_scope()
    t = s.cube("proj", a=tg.In(x), c=tg.Out(tmp))
    s.vector("cast", [tg.In(tmp), tg.Out(y)])
    g = s.finalize()
    assert g.task(t.id).params == ["a", "c"]
    assert [a.access for a in g.task(t.id).args] == [tg.Access.In, tg.Access.Out]
    with pytest.raises(TypeError):
        tg.Scope("z").cube("both", [tg.In(x)], c=tg.Out(tmp))


def test_settings_blocks_after_cost_sync_start_mix_slots():
    s, x, tmp, y = small_scope()
    a = s.vector("a", [tg.In(x), tg.Out(tmp)]).blocks(4).cost(flops=100, bytes=200)
    b = s.mix("b", [tg.In(tmp), tg.Out(y)], blocks=2, after=[a], cost=tg.Cost(flops=5, working_set_bytes=64),
              sync_start=True, mix_slots=tg.SLOT_AIC | tg.SLOT_AIV0)
    c = s.host("c", [tg.NoDep(tg.In(y))]).after(b)
    g = s.finalize()
    ta, tb = g.task(a.id), g.task(b.id)
    assert ta.block_num == 4 and ta.cost.flops == 100 and ta.cost.bytes == 200
    assert tb.block_num == 2 and tb.sync_start and tb.mix_slots == 3 and tb.cost.working_set_bytes == 64
    assert tb.after == [a.id] and g.task(c.id).after == [b.id]
    assert g.task(c.id).kind == "host" and not g.task(c.id).args[0].infer
    assert any(e["kind"] == "explicit" and e["to"] == c.id for e in g.edges)
    s2, x2, _, _ = small_scope()
    with pytest.raises(TypeError, match="colour"):
        s2.vector("d", [tg.In(x2)], colour="red")
    assert s2.num_tasks == 0


def test_nested_scopes_and_pipeline():
    s = tg.Scope("pipe")
    src = s.input("src", [4, 16], tg.fp32)
    dst = s.output("dst", [4, 16], tg.fp32)
    steps = []
    with s.nest("loop"):
        ring = s.staging_ring("tile", 2, [1, 16], tg.fp32)
        assert ring.stages == 2 and len(ring) == 2

        def body(step):
            steps.append((step.iter, step.slot))
            s.vector("load", [tg.In(src.rows(step.iter, 1)), tg.Out(ring[step])])
            s.vector("store", [tg.In(ring[step]), tg.Out(dst.rows(step.iter, 1))])

        s.pipeline(4, 2, body)
    s.vector("after_loop", [tg.In(dst), tg.Out(s.output("z", [4, 16], tg.fp32))])
    g = s.finalize()
    assert steps == [(0, 0), (1, 1), (2, 0), (3, 1)]
    assert [name for name, _ in g.scopes] == ["pipe", "loop"]
    assert all(g.task(i).scope == 1 for i in range(8)) and g.task(8).scope == 0
    # load of iteration 2 reuses slot 0: WAR on the reader of iteration 0.
    assert any(e["kind"] == "war" and e["from"] == 1 and e["to"] == 4 for e in g.edges)


def test_pipeline_body_exception_propagates():
    s = tg.Scope("p")

    def body(step):
        raise ValueError("from the body")

    with pytest.raises(ValueError, match="from the body"):
        s.pipeline(2, 2, body)


def test_views_outlive_the_scope_object():
    s, x, tmp, y = small_scope()
    s.vector("k", [tg.In(x), tg.Out(y)])
    g = s.finalize()
    del s, g
    assert x.cols(0, 8).describe() == "x[0:8, 0:8]"


def test_graph_buffers_and_views():
    s, x, tmp, y = small_scope()
    s.vector("k", [tg.In(x), tg.Out(y)])
    g = s.finalize()
    assert [b["name"] for b in g.buffers] == ["x", "tmp", "y"]
    assert g.buffers[2]["role"] == "output" and g.view("y").shape == [8, 64]
    with pytest.raises(tg.Error):
        g.view("nope")
