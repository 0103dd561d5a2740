#include "scheduler/modelled_collectives.hpp"

#include "runtime/error.hpp"

namespace tg {
namespace {

// The checks a collective's views get at submit in distributed/collectives.cpp, for the
// simulator's sake: contiguous views of one dtype, counts that fit the operation.
class ModelledSubmission {
 public:
  ModelledSubmission(Scope& scope, int ranks, std::string op, std::string name)
      : scope_(scope), ranks_(ranks), op_(std::move(op)), name_(std::move(name)),
        label_(name_ + "#" + std::to_string(scope.num_tasks())) {
    if (ranks < 2) throw ConfigError(where(), op_ + " over " + std::to_string(ranks) + " ranks; a collective spans 2 or more");
  }

  ErrorContext where(int arg = -1, const View* view = nullptr) const {
    ErrorContext c{.scope = scope_.name(), .task = label_};
    if (arg >= 0) c.arg = arg;
    if (view && view->has_buffer()) c.buffer = view->buffer().name();
    return c;
  }

  std::int64_t count(int arg, const View& view) {
    if (!view.valid()) throw ShapeError(where(arg, &view), "the view is defective or has no buffer");
    if (!view.is_contiguous())
      throw ShapeError(where(arg, &view), "communication tasks move contiguous memory; give a view of whole rows of a "
                                          "row-major buffer, as tg::" + op_ + " needs");
    if (arg == 0) dtype_ = view.dtype();
    else if (view.dtype() != dtype_)
      throw ShapeError(where(arg, &view), "dtype " + std::string(name_of(view.dtype())) + " differs from arg 0's " +
                                              std::string(name_of(dtype_)) + "; both views need the same dtype");
    return view.numel();
  }

  void require(bool ok, std::int64_t in, std::int64_t out, const std::string& rule) const {
    if (!ok)
      throw ShapeError(where(1), op_ + " on " + std::to_string(ranks_) + " ranks: in has " + std::to_string(in) +
                                     " elements, out " + std::to_string(out) + "; " + rule);
  }

  TaskRef submit(std::vector<Arg> args) {
    const std::string op = op_;
    TaskRef task = scope_.host(name_, std::move(args), [op](const TaskContext& context) {
      throw Error(ErrorContext{.task = context.task().label()},
                  "task '" + context.task().label() + "' is a modelled " + op +
                      " (scheduler/modelled_collectives.hpp): it has no communicator and runs only in "
                      "MultiChipSimExecutor; build it with tg::" + op + " (distributed/collectives.hpp) to run it");
    });
    task.kernel_name("comm." + op_);
    return task;
  }

 private:
  Scope& scope_;
  int ranks_;
  std::string op_, name_, label_;
  DType dtype_ = DType::FP32;
};

TaskRef two_views(Scope& scope, int ranks, const std::string& op, const View& in, const View& out, std::string name) {
  ModelledSubmission m(scope, ranks, op, std::move(name));
  const std::int64_t n_in = m.count(0, in), n_out = m.count(1, out);
  if (op == "all_gather") m.require(n_out == n_in * ranks, n_in, n_out, "out needs in x ranks elements");
  if (op == "reduce_scatter") m.require(n_in == n_out * ranks, n_in, n_out, "in needs out x ranks elements");
  if (op == "all_reduce") m.require(n_in == n_out, n_in, n_out, "in and out need the same number of elements");
  if (op == "all_to_all")
    m.require(n_in == n_out && n_in % ranks == 0, n_in, n_out, "in and out need the same number of elements, a multiple of the ranks");
  return m.submit({In(in), Out(out)});
}

TaskRef in_place(Scope& scope, int ranks, const std::string& op, const View& in_out, std::string name) {
  ModelledSubmission m(scope, ranks, op, std::move(name));
  m.count(0, in_out);
  return m.submit({InOut(in_out)});
}

}  // namespace

TaskRef modelled_all_gather(Scope& scope, int ranks, const View& in, const View& out, std::string name) {
  return two_views(scope, ranks, "all_gather", in, out, std::move(name));
}
TaskRef modelled_reduce_scatter(Scope& scope, int ranks, const View& in, const View& out, std::string name) {
  return two_views(scope, ranks, "reduce_scatter", in, out, std::move(name));
}
TaskRef modelled_all_to_all(Scope& scope, int ranks, const View& in, const View& out, std::string name) {
  return two_views(scope, ranks, "all_to_all", in, out, std::move(name));
}
TaskRef modelled_all_reduce(Scope& scope, int ranks, const View& in_out, std::string name) {
  return in_place(scope, ranks, "all_reduce", in_out, std::move(name));
}
TaskRef modelled_all_reduce(Scope& scope, int ranks, const View& in, const View& out, std::string name) {
  return two_views(scope, ranks, "all_reduce", in, out, std::move(name));
}
TaskRef modelled_broadcast(Scope& scope, int ranks, const View& in_out, std::string name) {
  return in_place(scope, ranks, "broadcast", in_out, std::move(name));
}

}  // namespace tg
