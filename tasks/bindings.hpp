#pragma once
// Bindings: the memory of one run of a Graph, by buffer name. The Graph is the program;
// a Bindings is what one execution reads and writes.
//   - Inputs, weights and InOut tensors are bound by the caller: a Tensor (owned, or the
//     caller's memory through Tensor::wrap), or an external array with any strides
//     (bind_external: used in place when row-major and aligned, otherwise copied in, and
//     written back after the run for InOut; every copy is listed in copies()).
//   - Outputs are allocated (zero-filled) by the Bindings unless bound.
//   - Staging is not here: each executor supplies it from a pool it reuses across runs,
//     re-initialised for every run.
// A run never writes inputs or weights (lint's write-to-input rule refuses such graphs) and
// writes InOut tensors only where tasks write them.
//
// Thread safety: a Bindings is used by one run at a time (a second concurrent run on it
// throws BindingError); distinct Bindings of one Graph may run at the same time on
// different executors. bind() is not safe during a run.
//
//   tg::Bindings mem = graph.bind({{"hidden_states", hs}, {"wq_a", wq_a}});
//   mem.bind("kv_cache", cache);                 // InOut: updated in place
//   auto result = tg::HostExecutor{2}.run(graph, mem);
//   const tg::Tensor& y = mem.tensor("q_out");   // or result.output("q_out")
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/tensor.hpp"
#include "tasks/graph.hpp"

namespace tg {

// The caller's array: element (i0, i1, ...) at data + sum(i_d * strides_bytes[d]).
// Empty strides_bytes = row-major contiguous.
struct ExternalArray {
  void* data = nullptr;
  DType dtype = DType::FP32;
  Shape shape;
  Shape strides_bytes;
};

class Bindings {
 public:
  explicit Bindings(const Graph& graph);
  ~Bindings();
  Bindings(Bindings&&) noexcept;
  Bindings& operator=(Bindings&&) noexcept;
  Bindings(const Bindings&) = delete;
  Bindings& operator=(const Bindings&) = delete;

  // Binds buffer `name` (an input, weight, InOut or output) to `tensor`, which must have the
  // buffer's dtype and shape. Throws BindingError naming the buffer otherwise, and for a
  // staging buffer or an unknown name.
  Bindings& bind(std::string_view name, Tensor tensor);
  Bindings& bind_external(std::string_view name, const ExternalArray& array);

  bool is_bound(std::string_view name) const;
  // The tensor of an input, weight, InOut or output buffer (outputs: allocated on first
  // use). Throws BindingError for staging buffers (see RunResult::staging) and unbound inputs.
  const Tensor& tensor(std::string_view name);
  View view(std::string_view name) { return tensor(name).view(); }

  // Throws BindingError naming every input, weight and InOut buffer left unbound.
  void check_complete() const;

  // "bind_external('x'): strided [16, 64] array copied in (row stride 1024 B, expected 128 B)"
  const std::vector<std::string>& copies() const;

  // For executors. A run's memory: element 0 of each buffer by Buffer::id(), nullptr for
  // staging (the executor fills those in). Allocates unbound outputs; throws as
  // check_complete() does, and BindingError when these Bindings were made for another graph.
  std::vector<std::byte*> memory_for(const Graph& graph);
  // Brackets one run: begin throws BindingError when another run holds these Bindings.
  void begin_run();
  void end_run();  // writes copied-in InOut / output tensors back to the caller's arrays
  void release();  // ends a run that never started (no write-back)

 private:
  struct Slot;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tg
