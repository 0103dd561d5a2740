#include "distributed/collective_check.hpp"

#include <chrono>
#include <functional>
#include <thread>

#include "distributed/comm_state.hpp"
#include "distributed/comm_task.hpp"
#include "distributed/mpi_calls.hpp"
#include "distributed/progress_engine.hpp"
#include "distributed/rank_error.hpp"

namespace tg {
namespace {

// What must be equal on every rank (the task label may differ, so it is not in it).
std::string signature(const CommTaskSpec& spec) {
  std::string s = std::string(name_of(spec.op)) + " " + std::to_string(spec.in_count) + "->" +
                  std::to_string(spec.out_count) + " " + std::string(name_of(spec.dtype));
  if (spec.op == CommOp::Broadcast) s += " root " + std::to_string(spec.peer);
  return s;
}

std::uint64_t digest(const std::vector<std::string>& signatures) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the list
  for (const auto& s : signatures) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull;
  }
  return h;
}

// Completes a nonblocking call on the calling thread, within the Comm's timeout; stops
// early when another rank reported a fault.
void wait_for(MPI_Request& request, const detail::CommState& state, const std::string& what) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(state.timeout_seconds.load());
  while (true) {
    int done = 0;
    {
      const detail::MpiCall call(detail::mpi_call_mutex());
      if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) throw Error(what + ": MPI failed");
    }
    if (done) return;
    if (auto fault = state.engine->remote_fault()) {
      int me = 0;
      {
        const detail::MpiCall call(detail::mpi_call_mutex());
        MPI_Comm_rank(MPI_COMM_WORLD, &me);
      }
      throw RankFailedError({}, fault->rank, "rank " + std::to_string(me) + " stopped: rank " + std::to_string(fault->rank) +
                                                 " failed: " + fault->message + " (while " + what + ")");
    }
    if (std::chrono::steady_clock::now() > until)
      throw Error(what + ": the other ranks of " + state.name + " did not join within " +
                  std::to_string(state.timeout_seconds.load()) +
                  " s; every rank of a Comm must run a graph with the same collectives on it");
    std::this_thread::yield();
  }
}

std::vector<std::string> gather_strings(const std::string& mine, const detail::CommState& state, const std::string& what) {
  const int n = state.size;
  std::vector<int> lengths(static_cast<std::size_t>(n));
  int my_length = static_cast<int>(mine.size());
  MPI_Request request;
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Iallgather(&my_length, 1, MPI_INT, lengths.data(), 1, MPI_INT, state.comm, &request);
  }
  wait_for(request, state, what);
  std::vector<int> displs(static_cast<std::size_t>(n));
  int total = 0;
  for (int r = 0; r < n; ++r) {
    displs[static_cast<std::size_t>(r)] = total;
    total += lengths[static_cast<std::size_t>(r)];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Iallgatherv(mine.data(), my_length, MPI_CHAR, all.data(), lengths.data(), displs.data(), MPI_CHAR, state.comm, &request);
  }
  wait_for(request, state, what);
  std::vector<std::string> out;
  for (int r = 0; r < n; ++r)
    out.push_back(all.substr(static_cast<std::size_t>(displs[static_cast<std::size_t>(r)]),
                             static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)])));
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

}  // namespace

std::vector<TaskId> collectives_on(const Graph& graph, const Comm& comm) {
  std::vector<TaskId> ids;
  for (const Task& task : graph.tasks())
    if (const CommTaskSpec* spec = comm_spec_of(task); spec && is_collective(spec->op) && spec->comm.state() == comm.state())
      ids.push_back(task.id);
  return ids;
}

void check_collectives_agree(const Graph& graph, const Comm& comm) {
  const detail::CommState& state = *comm.state();
  std::vector<std::string> signatures;
  std::string listing;  // "label\tsignature" per line, for the message
  for (TaskId t : collectives_on(graph, comm)) {
    signatures.push_back(signature(*comm_spec_of(graph.task(t))));
    listing += graph.task(t).label() + "\t" + signatures.back() + "\n";
  }
  const std::string what = "checking the collectives of '" + graph.name() + "' on " + state.name;
  const std::uint64_t h = digest(signatures);
  std::uint64_t both[2] = {h, ~h}, max[2] = {0, 0};  // max of h and of ~h: all equal iff max h == min h
  MPI_Request request;
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Iallreduce(both, max, 2, MPI_UINT64_T, MPI_MAX, state.comm, &request);
  }
  wait_for(request, state, what);
  if (max[0] == h && ~max[1] == h) return;

  const std::vector<std::string> lists = gather_strings(listing, state, what);
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : lists) rows.push_back(split_lines(l));
  for (std::size_t k = 0;; ++k) {
    for (int r = 1; r < state.size; ++r) {
      const auto& a = rows[0];
      const auto& b = rows[static_cast<std::size_t>(r)];
      auto entry = [](const std::vector<std::string>& list, std::size_t i) -> std::pair<std::string, std::string> {
        if (i >= list.size()) return {"", "no collective"};
        const auto tab = list[i].find('\t');
        return {list[i].substr(0, tab), list[i].substr(tab + 1)};
      };
      const auto [label_a, sig_a] = entry(a, k);
      const auto [label_b, sig_b] = entry(b, k);
      if (sig_a == sig_b) continue;
      auto side = [](int rank, const std::string& label, const std::string& sig) {
        return "rank " + std::to_string(rank) + (label.empty() ? std::string(" has ") : " task '" + label + "' is ") + sig;
      };
      ErrorContext where{.scope = graph.name()};
      if (state.rank == 0 && !label_a.empty()) where.task = label_a;
      if (state.rank == r && !label_b.empty()) where.task = label_b;
      throw CollectiveMismatchError(
          where, "collective #" + std::to_string(k) + " on " + state.name + " differs across ranks: " +
                     side(0, label_a, sig_a) + ", " + side(r, label_b, sig_b) +
                     "; every rank must submit the same collectives in the same order, with equal dtype, counts and "
                     "root (nothing was posted to MPI)");
    }
    bool any_left = false;
    for (const auto& list : rows) any_left = any_left || k < list.size();
    if (!any_left) break;
  }
  throw CollectiveMismatchError({}, what + ": the digests differ but the lists are equal (a bug in the check)");
}

}  // namespace tg
