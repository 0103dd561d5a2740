#pragma once
// Task: one dispatch. An SPMD task with block_num = n runs n blocks as one task.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/access.hpp"

namespace tg {

using TaskId = std::uint32_t;

// CUBE: one AIC core. VECTOR: one AIV core. MIX: one core group (AIC + 2 AIV) whose
// subtasks retire together. HOST: a host core (a host lane in the simulator).
enum class TaskKind : std::uint8_t { Cube, Vector, Mix, Host };

constexpr std::string_view name_of(TaskKind k) {
  switch (k) {
    case TaskKind::Cube: return "cube";
    case TaskKind::Vector: return "vector";
    case TaskKind::Mix: return "mix";
    case TaskKind::Host: return "host";
  }
  return "?";
}
std::optional<TaskKind> parse_task_kind(std::string_view s);

// What one block of the task costs on the device, for the simulator and the roofline.
struct CostHint {
  double flops = 0;                    // arithmetic per block
  double bytes = 0;                    // GM traffic per block
  std::uint64_t working_set_bytes = 0; // on-chip buffer need per block (UB or L1), 0 = unknown
  bool int8 = false;                   // cube work at the int8 rate
};

class TaskContext;
using Kernel = std::function<void(const TaskContext&)>;
struct KernelDescriptor;

// MIX subslots: which of the group's cores the task occupies.
enum MixSlot : std::uint8_t { kSlotAic = 1, kSlotAiv0 = 2, kSlotAiv1 = 4, kSlotAll = 7 };

struct Task {
  // The small fields first and together: a Task was 360 bytes, 24 of them padding between
  // these, and a 10^6-task graph holds a million of them.
  TaskId id = 0;
  std::uint32_t scope = 0;    // index into Graph::scopes()
  int block_num = 1;
  TaskKind kind = TaskKind::Vector;
  bool sync_start = false;  // launch all blocks at once or wait
  std::uint8_t mix_slots = kSlotAll;
  bool cost_given = false;  // the cost hint was given by hand (it overrides the derived one)
  std::string name;
  std::vector<Arg> args;
  Kernel kernel;
  std::string kernel_name;          // the kernel descriptor's name, "" when unnamed
  std::vector<std::string> params;  // parameter name per arg, or empty (positional)
  std::optional<CostHint> cost;
  std::vector<TaskId> after;  // explicit dependencies
  // Kernel contract: the dtype the kernel expects for arg i (nullopt = any); empty = no
  // contract. Checked by lint (dtype-mismatch), never at submit.
  std::vector<std::optional<DType>> expected_dtypes;
  // Set when the task names a kernel descriptor (tasks/kernel_descriptor.hpp): its
  // parameter i is argument param_args[i] (-1: an optional parameter left unbound).
  std::shared_ptr<const KernelDescriptor> descriptor;
  std::vector<int> param_args;
  // SPMD tiles (tasks/block_tiles.hpp): per argument, how a block cuts its view (empty: no
  // argument declares tiles, every block sees whole views); the grid they define.
  std::vector<std::vector<TileDim>> tiles;
  BlockGrid grid;

  // "q_head_proj#12"
  std::string label() const { return name + "#" + std::to_string(id); }
};

// What a kernel sees when one block runs: the task, the block index, and the task's
// argument views bound to this run's memory. One TaskContext per block; it is not safe to
// share between threads (bind the views you need before handing work to other threads).
class TaskContext {
 public:
  // `memory`: element 0 of each buffer by Buffer::id() (null: views stay unbound, and
  // reading their data throws).
  // `cancelled`: the run's stop flag (null: never stopped).
  TaskContext(const Task& task, int block_idx, std::byte* const* memory = nullptr,
              const std::atomic<bool>* cancelled = nullptr)
      : task_(&task), block_idx_(block_idx), memory_(memory), cancelled_(cancelled) {}
  const Task& task() const { return *task_; }
  int block_idx() const { return block_idx_; }
  int block_num() const { return task_->block_num; }
  std::size_t num_args() const { return task_->args.size(); }
  // Argument `arg`'s view, bound to the run's memory. Bound once per block on first use, so
  // calling it in a kernel's inner loop costs a lookup, not a View copy.
  const View& view(std::size_t arg) const {
    const View& v = task_->args.at(arg).view;
    if (!memory_) return v;
    if (!bound_) bound_ = std::make_unique<std::optional<View>[]>(task_->args.size());
    std::optional<View>& slot = bound_[arg];
    if (!slot) slot = v.bind(memory_[v.buffer().id()]);
    return *slot;
  }
  // Typed pointer to the first element of argument `arg`; checks the dtype.
  template <class T> T* data(std::size_t arg) const { return view(arg).template data<T>(); }
  // This block's tile of argument `arg` (its whole view when the task declares no tiles),
  // bound like view(arg). Cut once per block on first use.
  const View& block_view(std::size_t arg) const {
    if (task_->tiles.empty() || task_->tiles[arg].empty()) return view(arg);
    if (!tiles_) tiles_ = std::make_unique<std::optional<View>[]>(task_->args.size());
    std::optional<View>& slot = tiles_[arg];
    if (!slot) slot = block_tile(view(arg), task_->tiles[arg], task_->grid, block_idx_);
    return *slot;
  }
  // Descriptor parameter `index` (or the one named `name`): this block's tile of the
  // argument bound to it; View{} for an optional parameter left unbound. Throws Error for a
  // task without a descriptor or a name the descriptor does not have.
  View param(std::size_t index) const;
  View param(std::string_view name) const;
  // True once the run is stopped (its deadline passed, or HostExecutor::cancel()): a long
  // kernel may poll it and return early; its results are then discarded with the run's.
  bool cancelled() const { return cancelled_ && cancelled_->load(std::memory_order_relaxed); }

 private:
  const Task* task_;
  int block_idx_;
  std::byte* const* memory_;
  const std::atomic<bool>* cancelled_;
  mutable std::unique_ptr<std::optional<View>[]> bound_;
  mutable std::unique_ptr<std::optional<View>[]> tiles_;
};

}  // namespace tg
