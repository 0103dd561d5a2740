// Linked into every test binary: every graph a test builds is verified on finalize().
#include "tasks/graph.hpp"

namespace {
const bool verify_every_graph = [] {
  tg::set_verify_on_finalize(true);
  return true;
}();
}  // namespace
