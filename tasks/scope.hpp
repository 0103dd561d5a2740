#pragma once
// Scope: the builder users write. Buffers are declared with their role; each submitted
// task gets its dependencies on earlier tasks inferred from the regions its arguments
// read and write. finalize() hands back an immutable Graph.
#include <functional>
#include <memory>
#include <unordered_map>
#include <string>
#include <vector>

#include "tasks/chunked_vector.hpp"
#include "tasks/graph.hpp"
#include "tasks/kernel_descriptor.hpp"
#include "tasks/region_map.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg {

class Scope;
namespace detail {
struct BoundParams;
}

// Lint::On (the default): finalize() runs the machine-independent lint rules, throws
// LintError on errors and keeps a LintSummary of the rest on the Graph. Lint::Off builds
// graphs with hazards on purpose (to analyse or draw them); nothing checks them then.
enum class Lint : std::uint8_t { On, Off };

struct FinalizeOptions {
  Lint lint = Lint::On;
};

// Returned by the task submitters for fluent settings: s.vector(...).blocks(B).cost(...).
class TaskRef {
 public:
  TaskRef(Scope& scope, TaskId id) : scope_(&scope), id_(id) {}
  TaskId id() const { return id_; }
  operator TaskId() const { return id_; }
  TaskRef& blocks(int block_num);
  // A hand-given hint: overrides the one derived from the task's kernel descriptor.
  TaskRef& cost(const CostHint& hint);
  TaskRef& after(TaskId predecessor);
  TaskRef& sync_start(bool on = true);
  TaskRef& mix_slots(std::uint8_t slots);
  // The kernel's expected dtype per arg (nullopt = any); one entry per arg.
  TaskRef& expect_dtypes(std::vector<std::optional<DType>> dtypes);
  // The kernel descriptor's name and each argument's parameter name (JSON v2; the kernel
  // descriptors fill in contracts and costs by these names). One unique name per arg.
  TaskRef& kernel_name(std::string name);
  TaskRef& param_names(std::vector<std::string> names);

 private:
  Task& task() const;
  Scope* scope_;
  TaskId id_;
};

// One iteration of a pipelined loop: iteration `iter` uses ring slot `slot`.
struct PipelineStep {
  std::int64_t iter;
  int slot;
};

// A ring of per-stage staging tiles for pipelined loops (ping-pong for two stages).
class StagingRing {
 public:
  StagingRing() = default;
  explicit StagingRing(std::vector<View> slots) : slots_(std::move(slots)) {}
  int stages() const { return static_cast<int>(slots_.size()); }
  const View& operator[](const PipelineStep& step) const { return slots_.at(static_cast<std::size_t>(step.slot) % slots_.size()); }
  const View& slot(int i) const { return slots_.at(static_cast<std::size_t>(i)); }

 private:
  std::vector<View> slots_;
};

class Scope {
 public:
  explicit Scope(std::string name);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  const std::string& name() const { return name_; }

  // Buffers. Names are unique within the scope; duplicates throw.
  View input(std::string name, Shape shape, DType dtype) { return buffer(std::move(name), std::move(shape), dtype, Role::Input); }
  View weight(std::string name, Shape shape, DType dtype) { return buffer(std::move(name), std::move(shape), dtype, Role::Weight); }
  View output(std::string name, Shape shape, DType dtype) { return buffer(std::move(name), std::move(shape), dtype, Role::Output); }
  View inout(std::string name, Shape shape, DType dtype) { return buffer(std::move(name), std::move(shape), dtype, Role::InOut); }
  View staging(std::string name, Shape shape, DType dtype) { return buffer(std::move(name), std::move(shape), dtype, Role::Staging); }
  View buffer(std::string name, Shape shape, DType dtype, Role role);
  // `stages` staging tiles named NAME[0], NAME[1], ...
  StagingRing staging_ring(const std::string& name, int stages, const Shape& shape, DType dtype);

  // Tasks. The kernel may be empty for graphs that are only analysed or simulated. An
  // argument that is a defective view (a bad slice) throws its ShapeError here, with the
  // task and argument added to it.
  TaskRef cube(std::string name, std::vector<Arg> args, Kernel kernel = {}) { return submit(TaskKind::Cube, std::move(name), std::move(args), std::move(kernel)); }
  TaskRef vector(std::string name, std::vector<Arg> args, Kernel kernel = {}) { return submit(TaskKind::Vector, std::move(name), std::move(args), std::move(kernel)); }
  TaskRef mix(std::string name, std::vector<Arg> args, Kernel kernel = {}) { return submit(TaskKind::Mix, std::move(name), std::move(args), std::move(kernel)); }
  TaskRef host(std::string name, std::vector<Arg> args, Kernel kernel = {}) { return submit(TaskKind::Host, std::move(name), std::move(args), std::move(kernel)); }
  TaskRef submit(TaskKind kind, std::string name, std::vector<Arg> args, Kernel kernel);

  // Tasks of a kernel descriptor (tasks/kernel_descriptor.hpp), arguments bound by name:
  //   s.cube("proj", matmul, {{"a", In(x)}, {"b", In(w)}, {"c", Out(y)}})
  // or typed (tasks/typed_kernel.hpp), a wrong parameter name a compile error:
  //   s.cube("proj", kernels::descriptors::matmul(), {.a = In(x), .b = In(w), .c = Out(y)})
  // The binding is checked here (GraphError naming task, parameter and argument); the task
  // gets the descriptor's name, callable and derived cost; submit() without a kind takes
  // the descriptor's.
  TaskRef submit(TaskKind kind, std::string name, const KernelRef& kernel, std::vector<NamedArg> args);
  TaskRef submit(std::string name, const KernelRef& kernel, std::vector<NamedArg> args) {
    const TaskKind kind = kernel ? kernel->kind : TaskKind::Vector;
    return submit(kind, std::move(name), kernel, std::move(args));
  }
  TaskRef cube(std::string name, const KernelRef& k, std::vector<NamedArg> args) { return submit(TaskKind::Cube, std::move(name), k, std::move(args)); }
  TaskRef vector(std::string name, const KernelRef& k, std::vector<NamedArg> args) { return submit(TaskKind::Vector, std::move(name), k, std::move(args)); }
  TaskRef mix(std::string name, const KernelRef& k, std::vector<NamedArg> args) { return submit(TaskKind::Mix, std::move(name), k, std::move(args)); }
  TaskRef host(std::string name, const KernelRef& k, std::vector<NamedArg> args) { return submit(TaskKind::Host, std::move(name), k, std::move(args)); }

  template <template <template <Access> class> class P>
  TaskRef submit(TaskKind kind, std::string name, const TypedKernel<P>& k, typename TypedKernel<P>::Args args) {
    return submit(kind, std::move(name), k.ref(), k.named(std::move(args)));
  }
  template <template <template <Access> class> class P>
  TaskRef submit(std::string name, const TypedKernel<P>& k, typename TypedKernel<P>::Args args) {
    return submit(k.descriptor().kind, std::move(name), k.ref(), k.named(std::move(args)));
  }
  template <template <template <Access> class> class P>
  TaskRef cube(std::string name, const TypedKernel<P>& k, typename TypedKernel<P>::Args args) {
    return submit(TaskKind::Cube, std::move(name), k, std::move(args));
  }
  template <template <template <Access> class> class P>
  TaskRef vector(std::string name, const TypedKernel<P>& k, typename TypedKernel<P>::Args args) {
    return submit(TaskKind::Vector, std::move(name), k, std::move(args));
  }
  template <template <template <Access> class> class P>
  TaskRef mix(std::string name, const TypedKernel<P>& k, typename TypedKernel<P>::Args args) {
    return submit(TaskKind::Mix, std::move(name), k, std::move(args));
  }
  template <template <template <Access> class> class P>
  TaskRef host(std::string name, const TypedKernel<P>& k, typename TypedKernel<P>::Args args) {
    return submit(TaskKind::Host, std::move(name), k, std::move(args));
  }

  // Nested scopes: tasks and staging buffers created while the guard lives belong to it.
  class Nested {
   public:
    Nested(Scope& scope, std::uint32_t id) : scope_(&scope), id_(id) {}
    Nested(Nested&& other) noexcept : scope_(other.scope_), id_(other.id_) { other.scope_ = nullptr; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    Nested& operator=(Nested&&) = delete;
    ~Nested();
    std::uint32_t id() const { return id_; }

   private:
    Scope* scope_;
    std::uint32_t id_;
  };
  [[nodiscard]] Nested nest(std::string name);

  // Runs body(step) for iter = 0 .. n_iters-1 with slot = iter mod stages. Tasks that load
  // into ring[step] in iteration i+1 then wait (WAR) only for the readers of that slot,
  // i.e. iteration i+1-stages: with stages = 2, loading i+1 overlaps computing i.
  void pipeline(std::int64_t n_iters, int stages, const std::function<void(const PipelineStep&)>& body);

  std::size_t num_tasks() const { return tasks_.size(); }
  const Task& task(TaskId id) const { return tasks_.at(id); }
  const Buffer* find_buffer(std::string_view name) const;
  std::size_t live_regions() const { return regions_.live_regions(); }

  // Builds the Graph; the scope is empty afterwards. Throws GraphError on a cycle and
  // LintError (with every diagnostic) when lint finds an error. Views of the scope's buffers
  // stay valid while the scope or the graph lives, after a finalize() that throws too.
  Graph finalize(const FinalizeOptions& options = {});

 private:
  friend class TaskRef;
  // `bound` and `descriptor`: set when a descriptor binds the arguments (names for errors,
  // the contract and the derived cost).
  TaskRef submit_args(TaskKind kind, std::string name, std::vector<Arg> args, Kernel kernel,
                      const detail::BoundParams* bound, const KernelRef* descriptor);
  std::string name_;
  std::vector<std::shared_ptr<const Buffer>> buffers_;
  // Every buffer this scope handed out, kept while the scope lives: a View points at its
  // Buffer, and a finalize() that throws (a lint error, a cycle) destroys the graph that took
  // the buffers, which would leave the caller's views dangling.
  std::vector<std::shared_ptr<const Buffer>> issued_buffers_;
  std::unordered_map<std::string, std::uint32_t> buffer_ids_;  // name -> id: O(1) duplicate check
  std::vector<std::uint32_t> buffer_scopes_;
  ChunkedVector<Task> tasks_;  // tasks never move while the scope grows
  std::vector<Edge> edges_;
  RegionMap regions_;
  std::vector<ScopeInfo> scopes_;
  std::vector<std::uint32_t> scope_stack_;
};

}  // namespace tg
