"""tilegraph from Python: build task-graph scopes, lint them, run them on the host, simulate
them on a modelled chip and draw the schedule. The C++ core does the work (the GIL is
released while it runs); docs/python.md walks through it.

    import tilegraph as tg
    s = tg.Scope("proj")
    x = s.input("x", [16, 256], tg.fp32)
    ...
    g = s.finalize()
"""
import html as _html

from . import _tilegraph
from ._tilegraph import *  # noqa: F401,F403  (Scope, View, In/Out/InOut, executors, errors, ...)
from ._tilegraph import kernels, tile  # noqa: F401  (kernel descriptors; SPMD tiles)
from . import models  # noqa: F401
from ._timeline import TimelineArrays  # noqa: F401

__version__ = "0.1.0"


def machine(name_or_path):
    """A machine preset ('a2a3', 'a5', 'host') or a machine JSON file (tg.load_machine)."""
    return _tilegraph.load_machine(name_or_path)


# Graph conveniences over the module functions, so a graph reads like the C++ one.
def _graph_to_json(self):
    """The graph as JSON scope text (docs/json_scope_format.md)."""
    return _tilegraph.to_scope_json(self)


def _graph_write_json(self, path):
    _tilegraph.write_scope_json(self, str(path))


def _graph_to_dot(self, all_edges=False):
    """Graphviz DOT (render with `dot -Tsvg`)."""
    return _tilegraph.to_dot(self, all_edges)


def _graph_write_dot(self, path, all_edges=False):
    with open(path, "w", encoding="utf-8") as f:
        f.write(_tilegraph.to_dot(self, all_edges))


def _graph_lint(self, machine=None, disabled=(), hints=True):
    """Every lint rule on this graph, as a list of tg.Diagnostic."""
    return _tilegraph.lint(self, machine, list(disabled), hints)


Graph.to_json = _graph_to_json  # noqa: F405
Graph.write_json = _graph_write_json  # noqa: F405
Graph.to_dot = _graph_to_dot  # noqa: F405
Graph.write_dot = _graph_write_dot  # noqa: F405
Graph.lint = _graph_lint  # noqa: F405


def _result_repr_html(self):
    # The swimlane page is a whole document with its own script: an iframe keeps it apart
    # from the notebook's page.
    page = _html.escape(self.html(), quote=True)
    return f'<iframe srcdoc="{page}" style="width:100%;height:480px;border:0"></iframe>'


RunResult._repr_html_ = _result_repr_html  # noqa: F405


def write_html(result, path):
    """The result's swimlane to an HTML file (same as result.write_html(path))."""
    result.write_html(str(path))
