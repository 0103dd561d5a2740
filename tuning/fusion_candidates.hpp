#pragma once
// Fusion candidates: producer -> consumer task pairs (and chains) of a finalized Graph that
// could run as one task on a Machine, each with the reason it is fusable; for any other pair,
// why it is not (why_not). A pair is fusable when
//   - the consumer reads what the producer writes (the intermediate), all of it from the
//     producer, and the producer has no other successor before the consumer (so no other
//     reader of the intermediate comes in between, and the fused task can take the
//     consumer's place in submission order);
//   - the two kinds share a core (same kind, or CUBE with VECTOR as one MIX task; no HOST);
//   - their block grids match, or one divides the other (the fused task takes the coarser
//     grid and each of its blocks runs the finer task's blocks in turn), and each fused
//     block reads only intermediates its own sub-blocks wrote;
//   - the fused block's on-chip working set fits the core type's buffer
//     (tasks/onchip_buffer.hpp, the capacity rule of lint and the simulator).
// The intermediate leaves GM traffic ("on chip") when no other task touches it, it is
// staging, and both tasks cut it into the same per-block tile; otherwise the fused task
// keeps writing it (a scope output always stays written).
// Cost: O(E * A^2) for the pairs (A args per task) plus O(blocks) per pair for the tiles.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/graph.hpp"
#include "tasks/onchip_buffer.hpp"

namespace tg::tuning {

// One argument pair that carries an intermediate from the producer to the consumer.
struct CarriedArg {
  int producer_arg = -1;  // the producer's Out / InOut argument
  int consumer_arg = -1;  // the consumer's In argument that reads it
};

// How two tasks become one: what check_fusion found.
struct FusionPlan {
  TaskId producer = 0;
  TaskId consumer = 0;
  TaskKind kind = TaskKind::Vector;  // of the fused task
  std::uint8_t mix_slots = kSlotAll;
  int block_num = 1;                 // of the fused task: the coarser grid's
  int producer_blocks_per_block = 1; // sub-blocks each fused block runs, in order
  int consumer_blocks_per_block = 1;
  std::vector<CarriedArg> carried;
  std::vector<std::string> intermediates;  // buffer names, for reports
  bool on_chip = false;  // the intermediate stays in a block-local buffer, out of GM traffic
  std::uint64_t working_set_bytes = 0;  // of one fused block
  OnChipBuffer buffer;                  // the buffer it must fit (bytes 0: no limit)
  std::string reason;                   // why the pair is fusable, one line
};

// The plan, or why the pair cannot be fused (a sentence naming tasks and buffers).
struct FusionCheck {
  std::optional<FusionPlan> plan;
  std::string why_not;
};
FusionCheck check_fusion(const Graph& graph, const Machine& machine, TaskId producer, TaskId consumer);
// "" when the pair is fusable, otherwise the reason it is not.
std::string why_not(const Graph& graph, const Machine& machine, TaskId producer, TaskId consumer);

// Work the fused graph's run does not do, from the chip model's statistics (SimResult::model)
// of the two runs: unfused minus fused. Busy times, not makespan: they overlap in a run, so
// they do not add up to the gain; they say where it comes from.
struct FusionSavings {
  std::int64_t orchestrator_ns = 0;       // submit work (one task fewer, its arguments)
  std::int64_t scheduler_ns = 0;          // dispatches + completions over all scheduler threads
  std::int64_t head_ns = 0;               // core heads: pickup, cold start and switch
  std::int64_t switch_ns = 0;             // the part of head_ns from cores changing task
  std::int64_t completion_wait_ns = 0;    // FINs waiting for their scheduler thread
  double gm_bytes = 0;                    // GM traffic (HBM + L2 hits)
};

// A pair, or a chain t0 -> t1 -> ... where each task consumes the fusion of the ones
// before it. Gains are filled by rank_by_gain (tuning/fusion_gain.hpp).
struct FusionCandidate {
  std::vector<TaskId> chain;  // producer first, ids of the graph it was found on
  std::string label;          // "q_rope#9 + q_split#12"
  std::string reason;         // the first step's, plus what each later step adds
  std::vector<std::string> intermediates;
  bool on_chip = false;       // every intermediate leaves GM traffic
  TaskKind kind = TaskKind::Vector;
  std::uint64_t working_set_bytes = 0;
  OnChipBuffer buffer;
  // From the simulated fused graph (rank_by_gain); 0 until then.
  std::int64_t makespan_ns = 0;
  std::int64_t fused_makespan_ns = 0;
  FusionSavings savings;
  std::int64_t gain_ns() const { return makespan_ns - fused_makespan_ns; }
  double gain_pct() const { return makespan_ns ? 100.0 * static_cast<double>(gain_ns()) / static_cast<double>(makespan_ns) : 0; }
};

struct CandidateOptions {
  int max_chain = 4;  // longest chain listed (2 = pairs only)
};

// Every fusable pair, in (producer, consumer) order, then the chains longer than a pair.
std::vector<FusionCandidate> fusion_candidates(const Graph& graph, const Machine& machine, const CandidateOptions& options = {});

}  // namespace tg::tuning
