# Lint diagnostics as objects, the lint summary of finalize(), JSON scopes in and out.
import json

import pytest

import tilegraph as tg


def overlapping_scope():
    s = tg.Scope("overlap")
    x = s.input("x", [16, 128], tg.fp32)
    q = s.output("q", [16, 128], tg.fp32)
    s.vector("two_outs", [tg.In(x), tg.Out(q[:, 0:64]), tg.InOut(q[:, 32:96])])
    return s


def test_lint_diagnostic_fields():
    g = overlapping_scope().finalize(lint=False)
    found = [d for d in tg.lint(g) if d.severity == "error"]
    d = found[0]
    assert d.rule in ("multi-inout", "in-out-overlap") or d.rule
    assert d.task == 0 and d.arg in (1, 2) and d.buffer == "q"
    assert d.regions == ["[0:16, 32:64]"] and d.boxes == [([0, 32], [16, 32])]
    assert d.message and d.suggestion and d.rule in str(d)
    assert tg.lint_fails(found)
    assert json.loads(tg.diagnostics_to_json(found))[0]["rule"] == d.rule
    with pytest.raises(tg.LintError) as e:
        overlapping_scope().finalize()
    assert e.value.task == "two_outs#0" and e.value.region == "[0:16, 32:64]"


def test_lint_rules_table_and_disabling():
    rules = tg.lint_rules()
    ids = [r[0] for r in rules]
    assert "read-before-write" in ids and all(sev in ("info", "warning", "error") for _, sev, _ in rules)
    g = overlapping_scope().finalize(lint=False)
    every = {d.rule for d in tg.lint(g)}
    some = {d.rule for d in g.lint(disabled=list(every))}
    assert every and not some


def test_lint_with_machine_adds_capacity():
    s = tg.Scope("cap")
    x = s.input("x", [1024, 1024], tg.fp32)
    y = s.output("y", [1024, 1024], tg.fp32)
    s.vector("huge", [tg.In(x), tg.Out(y)], cost=tg.Cost(flops=1, bytes=1, working_set_bytes=1 << 30))
    g = s.finalize()
    assert not any(d.rule == "buffer-capacity" for d in tg.lint(g))
    assert any(d.rule == "buffer-capacity" for d in tg.lint(g, machine="a2a3"))


def test_lint_summary_counts():
    s = tg.Scope("dead")
    x = s.input("x", [4, 4], tg.fp32)
    t = s.staging("t", [4, 4], tg.fp32)
    y = s.output("y", [4, 4], tg.fp32)
    s.vector("dead_write", [tg.In(x), tg.Out(t)])
    s.vector("w", [tg.In(x), tg.Out(y)])
    summary = s.finalize().lint_summary()
    assert summary.ran and summary.count("dead-write") == 1 and summary.count("warning") >= 1
    assert summary.rules["dead-write"] == 1 and summary.first[0].rule == "dead-write"
    assert "dead-write" in str(summary)


def test_json_round_trip_is_byte_identical(tmp_path):
    s = tg.Scope("rt")
    x = s.input("x", [16, 64], tg.bf16)
    acc = s.staging("acc", [16, 64], tg.fp32)
    y = s.output("y", [16, 64], tg.fp32)
    for c in (0, 32):
        s.cube("mm", a=tg.In(x[:, c:c + 32]), c=tg.Out(acc[:, c:c + 32]), cost=tg.Cost(flops=10), kernel_name="mm_tile")
    s.vector("cast", [tg.In(acc.reshape(32, 32)), tg.Out(y.reshape(32, 32))]).blocks(2)
    g = s.finalize()
    text = g.to_json()
    assert json.loads(text)["name"] == "rt"
    again = tg.parse_scope_json(text, "rt.json")
    assert again.to_json() == text and len(again) == 3
    assert again.task(0).kernel_name == "mm_tile" and again.task(0).params == ["a", "c"]
    path = tmp_path / "rt.json"
    g.write_json(str(path))
    assert tg.read_scope_json(str(path)).to_json() == text


def test_json_with_lint_errors_is_refused_unless_lint_off():
    text = overlapping_scope().finalize(lint=False).to_json()
    with pytest.raises(tg.LintError):
        tg.parse_scope_json(text)
    assert len(tg.parse_scope_json(text, lint=False)) == 1


def test_json_bounds_lint():
    g = overlapping_scope().finalize(lint=False)
    doc = json.loads(g.to_json())
    doc["tasks"][0]["args"][1]["box"] = [[0, 16], [100, 200]]
    doc.pop("edges", None)
    found = tg.lint_scope_json_bounds(json.dumps(doc), "bad.json")
    assert found and found[0].rule == "view-out-of-bounds"
