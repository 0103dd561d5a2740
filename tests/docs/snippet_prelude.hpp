#pragma once
// What a documentation snippet may use without declaring it (docs/development.md, "Snippets
// compile"): the public headers, and a few names standing for the reader's own objects. The
// snippets are compiled, never linked or run, so these are declarations only.
#include <cstdint>
#include <iostream>
#include <string>

#include "kernels/descriptors/descriptors.hpp"
#include "models/common/registry.hpp"
#include "tilegraph/tilegraph.hpp"

namespace snippet_context {

extern tg::Scope scope;        // a scope being built
extern tg::Graph graph;        // a finalized scope
extern tg::Bindings memory;    // the memory of a run of `graph`
extern tg::Machine machine;    // a machine model
extern tg::Tensor xs, ws;      // the caller's tensors
void kernel(const tg::TaskContext& context);  // any kernel
void my_kernel(const tg::TaskContext& context);
extern tg::Scope s;            // a page's scope, once its first snippet made it
extern tg::View x, w, y;       // views of that scope's buffers
extern tg::Tensor x_shard;     // a rank's part of an input
extern tg::RunResult result;   // what a run returned
template <class... T> void use(const T&...) {}  // the reader's code reading values
inline constexpr std::int64_t B = 16, HIDDEN = 7168, Q_LORA = 1536;  // dims a page names
namespace kd = tg::kernels::descriptors;
using tg::In, tg::InOut, tg::Out;

}  // namespace snippet_context
