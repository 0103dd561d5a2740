#include "tasks/bindings.hpp"

#include <cstdint>
#include <cstring>

#include <spdlog/spdlog.h>

#include "runtime/bytes_text.hpp"

namespace tg {

// One buffer's memory: the tensor the run uses and, for a copied-in external array, where
// to write it back after the run.
struct Bindings::Slot {
  Tensor tensor;
  bool bound = false;  // by the caller (outputs may be allocated here instead)
  ExternalArray copied_from;
  bool copy_back = false;
};

struct Bindings::State {
  std::vector<std::shared_ptr<const Buffer>> buffers;  // the graph's descriptors
  std::string graph_name;
  std::vector<Slot> slots;  // by Buffer::id()
  std::vector<std::string> copies;
  std::atomic<bool> in_use{false};
};

namespace {

bool caller_provides(Role role) { return role == Role::Input || role == Role::Weight || role == Role::InOut; }

// Visits every element offset (in bytes) of a strided array, row-major order.
template <class F> void for_each_element(const Shape& shape, const Shape& strides_bytes, F&& f) {
  std::vector<std::int64_t> index(shape.size(), 0);
  const std::int64_t n = numel_of(shape);
  for (std::int64_t e = 0; e < n; ++e) {
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) offset += index[d] * strides_bytes[d];
    f(e, offset);
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

Bindings::Bindings(const Graph& graph) : state_(std::make_unique<State>()) {
  state_->buffers = graph.buffers();
  state_->graph_name = graph.name();
  state_->slots.resize(graph.buffers().size());
}

Bindings::~Bindings() = default;
Bindings::Bindings(Bindings&&) noexcept = default;
Bindings& Bindings::operator=(Bindings&&) noexcept = default;

namespace {

const Buffer& find(const std::vector<std::shared_ptr<const Buffer>>& buffers, const std::string& graph,
                   std::string_view name) {
  for (const auto& b : buffers)
    if (b->name() == name) return *b;
  std::string known;
  for (const auto& b : buffers)
    if (b->role() != Role::Staging) known += (known.empty() ? "" : ", ") + b->name();
  throw BindingError(ErrorContext{.scope = graph, .buffer = std::string(name)},
                     "no buffer named '" + std::string(name) + "' to bind (bindable: " + known + ")");
}

}  // namespace

Bindings& Bindings::bind(std::string_view name, Tensor tensor) {
  const Buffer& b = find(state_->buffers, state_->graph_name, name);
  const ErrorContext where{.scope = state_->graph_name, .buffer = b.name()};
  if (state_->in_use.load()) throw BindingError(where, "bind() during a run of these Bindings");
  if (b.role() == Role::Staging)
    throw BindingError(where, "'" + b.name() + "' is a staging buffer: the executor provides staging memory for "
                                  "each run; read it after a run with RunOptions::keep_staging");
  if (!tensor.defined()) throw BindingError(where, "bind('" + b.name() + "') got an undefined Tensor");
  if (tensor.dtype() != b.dtype() || tensor.shape() != b.shape())
    throw BindingError(where, "bind('" + b.name() + "'): the tensor is " + std::string(name_of(tensor.dtype())) +
                                  " " + to_string(tensor.shape()) + ", the buffer " + std::string(name_of(b.dtype())) +
                                  " " + to_string(b.shape()));
  Slot& slot = state_->slots[b.id()];
  slot = Slot{std::move(tensor), true, {}, false};
  return *this;
}

Bindings& Bindings::bind_external(std::string_view name, const ExternalArray& array) {
  const Buffer& b = find(state_->buffers, state_->graph_name, name);
  const ErrorContext where{.scope = state_->graph_name, .buffer = b.name()};
  if (array.dtype != b.dtype() || array.shape != b.shape())
    throw BindingError(where, "bind_external('" + b.name() + "'): the array is " + std::string(name_of(array.dtype)) +
                                  " " + to_string(array.shape) + ", the buffer " + std::string(name_of(b.dtype())) +
                                  " " + to_string(b.shape()));
  if (!array.data) throw BindingError(where, "bind_external('" + b.name() + "') got a null pointer");
  const auto element = static_cast<std::int64_t>(size_of(b.dtype()));
  Shape row_major = row_major_strides(b.shape());
  for (auto& s : row_major) s *= element;
  const Shape& strides = array.strides_bytes.empty() ? row_major : array.strides_bytes;
  if (strides.size() != b.shape().size())
    throw BindingError(where, "bind_external('" + b.name() + "'): " + std::to_string(strides.size()) +
                                  " strides for a rank-" + std::to_string(b.shape().size()) + " array");
  const bool aligned = reinterpret_cast<std::uintptr_t>(array.data) % static_cast<std::uintptr_t>(element) == 0;
  bool contiguous = true;
  for (std::size_t d = 0; d < strides.size(); ++d)
    if (b.shape()[d] != 1 && strides[d] != row_major[d]) contiguous = false;
  if (aligned && contiguous) return bind(name, Tensor::wrap(b.name(), b.dtype(), b.shape(), array.data));

  // Copied in, element by element, and reported: a run must not silently work on a copy.
  Tensor copy(b.name(), b.dtype(), b.shape());
  auto* dst = copy.data();
  const auto* src = static_cast<const std::byte*>(array.data);
  for_each_element(b.shape(), strides, [&](std::int64_t e, std::int64_t offset) {
    std::memcpy(dst + e * element, src + offset, static_cast<std::size_t>(element));
  });
  bind(name, copy);
  Slot& slot = state_->slots[b.id()];
  slot.copied_from = array;
  slot.copied_from.strides_bytes = strides;
  slot.copy_back = b.role() == Role::InOut || b.role() == Role::Output;
  std::string why = aligned ? "strided (strides " + to_string(strides) + " B, row-major would be " +
                                  to_string(row_major) + " B)"
                            : "not aligned to its " + std::to_string(element) + "-byte elements";
  std::string note = "bind_external('" + b.name() + "'): " + why + "; copied in (" + bytes_text(b.bytes()) + ")" +
                     (slot.copy_back ? " and written back after each run" : "");
  spdlog::info("{}", note);
  state_->copies.push_back(std::move(note));
  return *this;
}

bool Bindings::is_bound(std::string_view name) const {
  for (const auto& b : state_->buffers)
    if (b->name() == name) return state_->slots[b->id()].bound;
  return false;
}

const Tensor& Bindings::tensor(std::string_view name) {
  const Buffer& b = find(state_->buffers, state_->graph_name, name);
  const ErrorContext where{.scope = state_->graph_name, .buffer = b.name()};
  if (b.role() == Role::Staging)
    throw BindingError(where, "'" + b.name() + "' is a staging buffer: its memory belongs to the executor; run with "
                                  "RunOptions::keep_staging and read RunResult::staging()");
  Slot& slot = state_->slots[b.id()];
  if (!slot.tensor.defined()) {
    if (caller_provides(b.role()))
      throw BindingError(where, std::string(name_of(b.role())) + " '" + b.name() + "' is not bound; bind it first");
    slot.tensor = Tensor(b.name(), b.dtype(), b.shape());
  }
  return slot.tensor;
}

void Bindings::check_complete() const {
  std::string missing;
  std::string first;
  for (const auto& b : state_->buffers)
    if (caller_provides(b->role()) && !state_->slots[b->id()].tensor.defined()) {
      if (first.empty()) first = b->name();
      missing += (missing.empty() ? "" : ", ") + std::string(name_of(b->role())) + " '" + b->name() + "'";
    }
  if (!missing.empty())
    throw BindingError(ErrorContext{.scope = state_->graph_name, .buffer = first},
                       "unbound for the run: " + missing + "; bind each with Bindings::bind(name, tensor)");
}

const std::vector<std::string>& Bindings::copies() const { return state_->copies; }

std::vector<std::byte*> Bindings::memory_for(const Graph& graph) {
  const auto& buffers = graph.buffers();
  bool same = buffers.size() == state_->buffers.size();
  for (std::size_t i = 0; same && i < buffers.size(); ++i) same = buffers[i] == state_->buffers[i];
  if (!same)
    throw BindingError(ErrorContext{.scope = graph.name()},
                       "these Bindings were made for graph '" + state_->graph_name + "', not for this graph '" +
                           graph.name() + "'; make Bindings(graph) for each graph");
  check_complete();
  std::vector<std::byte*> memory(buffers.size(), nullptr);
  for (const auto& b : buffers)
    if (b->role() != Role::Staging) memory[b->id()] = tensor(b->name()).data();
  return memory;
}

void Bindings::begin_run() {
  if (state_->in_use.exchange(true))
    throw BindingError(ErrorContext{.scope = state_->graph_name},
                       "these Bindings are in use by another run; give each concurrent run its own Bindings");
}

void Bindings::release() { state_->in_use.store(false); }

void Bindings::end_run() {
  for (auto& slot : state_->slots) {
    if (!slot.copy_back) continue;
    const auto element = static_cast<std::int64_t>(size_of(slot.tensor.dtype()));
    const auto* src = slot.tensor.data();
    auto* dst = static_cast<std::byte*>(slot.copied_from.data);
    for_each_element(slot.tensor.shape(), slot.copied_from.strides_bytes, [&](std::int64_t e, std::int64_t offset) {
      std::memcpy(dst + offset, src + e * element, static_cast<std::size_t>(element));
    });
  }
  state_->in_use.store(false);
}

Bindings Graph::bind(std::initializer_list<std::pair<std::string_view, Tensor>> tensors) const {
  Bindings b(*this);
  for (const auto& [name, tensor] : tensors) b.bind(name, tensor);
  return b;
}

}  // namespace tg
