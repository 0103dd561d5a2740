#include "distributed/distributed_executor.hpp"

#include <algorithm>
#include <map>

#include "distributed/collective_check.hpp"
#include "distributed/comm_state.hpp"
#include "distributed/comm_task.hpp"
#include "distributed/progress_engine.hpp"
#include "distributed/rank_error.hpp"

namespace tg {
namespace {

// The Comms the graph's communication tasks use, in creation order (equal on every rank).
std::vector<Comm> comms_of(const Graph& graph) {
  std::map<std::uint32_t, Comm> by_id;
  for (const Task& task : graph.tasks())
    if (const CommTaskSpec* spec = comm_spec_of(task)) by_id.emplace(spec->comm.state()->id, spec->comm);
  std::vector<Comm> comms;
  for (auto& [id, comm] : by_id) comms.push_back(comm);
  return comms;
}

// Installs each Comm's posting order for the run, and removes it when the run ends.
class RunPlans {
 public:
  RunPlans(const Graph& graph, const std::vector<Comm>& comms) {
    for (const Comm& comm : comms) {
      auto plan = std::make_unique<detail::CommRunPlan>();
      plan->graph = &graph;
      detail::CommState& state = *comm.state();
      std::uint64_t seq = state.next_seq, second = state.next_second_phase_seq;
      for (TaskId t : collectives_on(graph, comm)) {
        plan->seq[t] = seq++;
        if (comm_spec_of(graph.task(t))->op == CommOp::AllReduce) plan->second_phase_seq[t] = second++;
      }
      state.next_second_phase_seq = second;
      for (const Task& task : graph.tasks())  // send / recv: in the plan, unordered
        if (const CommTaskSpec* spec = comm_spec_of(task); spec && !is_collective(spec->op) && spec->comm.state() == comm.state())
          plan->seq[task.id] = 0;
      state.next_seq = seq;
      state.plan.store(plan.get(), std::memory_order_release);
      installed_.emplace_back(comm, std::move(plan));
    }
  }
  ~RunPlans() {
    for (auto& [comm, plan] : installed_) comm.state()->plan.store(nullptr, std::memory_order_release);
  }
  RunPlans(const RunPlans&) = delete;
  RunPlans& operator=(const RunPlans&) = delete;

 private:
  std::vector<std::pair<Comm, std::unique_ptr<detail::CommRunPlan>>> installed_;
};

}  // namespace

DistributedExecutor::DistributedExecutor(Comm comm, HostExecutorOptions host) : comm_(std::move(comm)), host_(host) {
  if (!comm_.valid()) throw ConfigError("DistributedExecutor: no communicator; pass MpiSession::world()");
}

DistributedExecutor::~DistributedExecutor() = default;

std::string DistributedExecutor::name() const {
  return "rank " + std::to_string(comm_.rank()) + "/" + std::to_string(comm_.size()) + ", " + host_.name();
}

RunResult DistributedExecutor::run(const Graph& graph, Bindings* memory, const RunOptions& options) {
  ProgressEngine& engine = *comm_.state()->engine;
  const int me = comm_.rank();
  const std::string rank_text = "rank " + std::to_string(me);
  if (auto fault = engine.remote_fault())
    throw RankFailedError({.scope = graph.name()}, fault->rank,
                          rank_text + ": not run: rank " + std::to_string(fault->rank) + " failed: " + fault->message);
  const std::vector<Comm> comms = comms_of(graph);
  // Send / recv match by tag; only collectives need the ranks to agree on an order.
  for (const Comm& comm : comms)
    if (!collectives_on(graph, comm).empty()) check_collectives_agree(graph, comm);

  RunPlans plans(graph, comms);
  engine.set_fault_listener([this](const RemoteFault&) { host_.cancel(); });
  struct ClearListener {
    ProgressEngine& engine;
    ~ClearListener() { engine.set_fault_listener({}); }
  } clear{engine};
  try {
    return host_.run(graph, memory, options);
  } catch (const Error& e) {
    if (auto fault = engine.remote_fault())
      throw RankFailedError(e.context(), fault->rank,
                            rank_text + " stopped: rank " + std::to_string(fault->rank) + " failed: " + fault->message);
    engine.broadcast_fault(e.what());
    throw RankFailedError(e.context(), me, rank_text + " failed: " + e.what());
  }
}

}  // namespace tg
