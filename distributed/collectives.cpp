#include "distributed/collectives.hpp"

#include "distributed/comm_task.hpp"
#include "distributed/fixed_order_sum.hpp"
#include "runtime/box.hpp"
#include "runtime/error.hpp"

namespace tg {
namespace {

constexpr int kMaxTag = 32767;  // the smallest MPI_TAG_UB the standard allows

// Checks and submits one communication task.
class CommSubmission {
 public:
  CommSubmission(Scope& scope, const Comm& comm, CommOp op, std::string name)
      : scope_(scope), comm_(comm), name_(std::move(name)) {
    spec_.op = op;
    label_ = name_ + "#" + std::to_string(scope.num_tasks());
    if (!comm.valid()) throw ConfigError(where(), "no communicator (a default-constructed tg::Comm); use MpiSession::world()");
    spec_.comm = comm;
    spec_.timeout_seconds = comm.timeout_seconds();
  }

  ErrorContext where(std::optional<std::size_t> arg = std::nullopt, const View* view = nullptr) const {
    ErrorContext c{.scope = scope_.name(), .task = label_};
    if (arg) c.arg = static_cast<int>(*arg);
    if (view && view->has_buffer()) c.buffer = view->buffer().name();
    return c;
  }

  // A contiguous, valid view; its element count.
  std::int64_t check_view(std::size_t arg, const View& view) {
    if (!view.valid()) throw ShapeError(where(arg, &view), "the view is defective or has no buffer");
    if (!view.is_contiguous())
      throw ShapeError(where(arg, &view), "communication tasks move contiguous memory; give a view of whole rows of "
                                          "a row-major buffer, or copy the slice into a staging buffer first");
    if (arg == 0) spec_.dtype = view.dtype();
    else if (view.dtype() != spec_.dtype)
      throw ShapeError(where(arg, &view), "dtype " + std::string(name_of(view.dtype())) + " differs from arg 0's " +
                                              std::string(name_of(spec_.dtype)) + "; both views need the same dtype");
    return view.numel();
  }

  void check_rank(const char* what, int rank) const {
    if (rank < 0 || rank >= comm_.size())
      throw ConfigError(where(), std::string(what) + " " + std::to_string(rank) + " is not a rank of " + comm_.name() +
                                     " (0.." + std::to_string(comm_.size() - 1) + ")");
  }

  void check_summable() const {
    if (!summable(spec_.dtype))
      throw ShapeError(where(0), std::string(name_of(spec_.op)) + " sums fp32, bf16 or int32 elements, not " +
                                     std::string(name_of(spec_.dtype)));
  }

  void check_count(bool ok, const std::string& rule) const {
    if (!ok)
      throw ShapeError(where(1), std::string(name_of(spec_.op)) + " on " + std::to_string(comm_.size()) + " ranks: in has " +
                                     std::to_string(spec_.in_count) + " elements, out " + std::to_string(spec_.out_count) +
                                     "; " + rule);
  }

  CommTaskSpec& spec() { return spec_; }

  TaskRef submit(std::vector<Arg> args) {
    auto spec = std::make_shared<const CommTaskSpec>(spec_);
    TaskRef task = scope_.host(name_, std::move(args), CommKernel(std::move(spec)));
    task.kernel_name("comm." + std::string(name_of(spec_.op)));
    return task;
  }

 private:
  Scope& scope_;
  const Comm& comm_;
  std::string name_;
  std::string label_;
  CommTaskSpec spec_;
};

TaskRef two_view(Scope& scope, const Comm& comm, CommOp op, const View& in, const View& out, std::string name) {
  CommSubmission c(scope, comm, op, std::move(name));
  CommTaskSpec& spec = c.spec();
  spec.in_count = c.check_view(0, in);
  spec.out_count = c.check_view(1, out);
  spec.out_arg = 1;
  const std::int64_t n = comm.size();
  switch (op) {
    case CommOp::AllGather: c.check_count(spec.out_count == spec.in_count * n, "out needs in x ranks elements"); break;
    case CommOp::ReduceScatter:
      c.check_summable();
      c.check_count(spec.in_count == spec.out_count * n, "in needs out x ranks elements");
      break;
    case CommOp::AllReduce:
      c.check_summable();
      c.check_count(spec.in_count == spec.out_count, "in and out need the same number of elements");
      break;
    case CommOp::AllToAll:
      c.check_count(spec.in_count == spec.out_count && spec.in_count % n == 0,
                    "in and out need the same number of elements, a multiple of the ranks");
      break;
    default: break;
  }
  return c.submit({In(in), Out(out)});
}

}  // namespace

TaskRef all_gather(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name) {
  return two_view(scope, comm, CommOp::AllGather, in, out, std::move(name));
}
TaskRef reduce_scatter(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name) {
  return two_view(scope, comm, CommOp::ReduceScatter, in, out, std::move(name));
}
TaskRef all_reduce(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name) {
  return two_view(scope, comm, CommOp::AllReduce, in, out, std::move(name));
}
TaskRef all_to_all(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name) {
  return two_view(scope, comm, CommOp::AllToAll, in, out, std::move(name));
}

TaskRef all_reduce(Scope& scope, const Comm& comm, const View& in_out, std::string name) {
  CommSubmission c(scope, comm, CommOp::AllReduce, std::move(name));
  c.spec().in_count = c.spec().out_count = c.check_view(0, in_out);
  c.spec().out_arg = 0;
  c.check_summable();
  return c.submit({InOut(in_out)});
}

TaskRef broadcast(Scope& scope, const Comm& comm, const View& in_out, int root, std::string name) {
  CommSubmission c(scope, comm, CommOp::Broadcast, std::move(name));
  c.spec().in_count = c.spec().out_count = c.check_view(0, in_out);
  c.spec().out_arg = 0;
  c.check_rank("root", root);
  c.spec().peer = root;
  return c.submit({InOut(in_out)});
}

TaskRef send(Scope& scope, const Comm& comm, const View& in, int dest, int tag, std::string name) {
  CommSubmission c(scope, comm, CommOp::Send, std::move(name));
  c.spec().in_count = c.spec().out_count = c.check_view(0, in);
  c.spec().out_arg = 0;
  c.check_rank("destination", dest);
  if (tag < 0 || tag > kMaxTag) throw ConfigError(c.where(), "tag " + std::to_string(tag) + " is outside 0..32767");
  c.spec().peer = dest;
  c.spec().tag = tag;
  return c.submit({In(in)});
}

TaskRef recv(Scope& scope, const Comm& comm, const View& out, int source, int tag, std::string name) {
  CommSubmission c(scope, comm, CommOp::Recv, std::move(name));
  c.spec().in_count = c.spec().out_count = c.check_view(0, out);
  c.spec().out_arg = 0;
  c.check_rank("source", source);
  if (tag < 0 || tag > kMaxTag) throw ConfigError(c.where(), "tag " + std::to_string(tag) + " is outside 0..32767");
  c.spec().peer = source;
  c.spec().tag = tag;
  return c.submit({Out(out)});
}

}  // namespace tg
