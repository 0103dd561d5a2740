#pragma once
// What a documentation snippet may use without declaring it (docs/development.md, "Snippets
// compile"): the public headers, and a few names standing for the reader's own objects. The
// snippets are compiled, never linked or run, so these are declarations only.
#include <cstdint>
#include <iostream>
#include <string>

#include "models/common/registry.hpp"
#include "tilegraph/tilegraph.hpp"

namespace snippet_context {

extern tg::Scope scope;        // a scope being built
extern tg::Graph graph;        // a finalized scope
extern tg::Bindings memory;    // the memory of a run of `graph`
extern tg::Machine machine;    // a machine model
extern tg::Tensor xs, ws;      // the caller's tensors
void kernel(const tg::TaskContext& context);  // any kernel

}  // namespace snippet_context
