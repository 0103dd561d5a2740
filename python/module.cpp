// The `tilegraph._tilegraph` extension; the package's __init__.py re-exports it.
#include "python/bindings.hpp"

PYBIND11_MODULE(_tilegraph, m) {
  m.doc() = "tilegraph: build, check, run, simulate and draw task graphs (C++ core, pybind11)";
  using namespace tg::python;
  bind_errors(m);  // first: every later binding may raise these
  bind_memory(m);
  bind_scope(m);
  bind_tiles(m);
  bind_python_kernel_context(m);
  bind_kernel_descriptors(m);
  bind_lint(m);
  bind_timeline(m);
  bind_executors(m);
  bind_trace(m);
  bind_json(m);
  bind_models(m);
}
