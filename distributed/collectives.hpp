#pragma once
// Communication tasks: collectives and point-to-point messages as tasks of a Scope. Their
// arguments are views, so dependency inference orders them against compute like any task
// (RAW on the input, WAR / WAW on the output). They run under tg::DistributedExecutor.
//
//   tg::all_reduce(s, comm, partial, total);             // total = sum over ranks of partial
//   tg::all_gather(s, comm, x_shard, x_full);            // x_full = concat of every rank's shard
//
// Views must be contiguous (whole rows of a row-major buffer). Every rank submits the same
// collectives on a Comm in the same order with the same dtype and counts; the executor
// checks that before posting any (CollectiveMismatchError). Each returns the task, kind
// host, kernel_name "comm.<operation>". Bad arguments throw ShapeError / ConfigError naming
// the task and argument.
#include <string>

#include "distributed/comm.hpp"
#include "tasks/scope.hpp"

namespace tg {

// out (n x size elements) = every rank's in (n elements), in rank order.
TaskRef all_gather(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name = "all_gather");
// out (n elements) on rank r = part r of the sum over ranks of in (n x size elements).
TaskRef reduce_scatter(Scope& scope, const Comm& comm, const View& in, const View& out,
                       std::string name = "reduce_scatter");
// out = sum over ranks of in, element-wise (fp32, bf16 or int32; fixed order: see
// fixed_order_sum.hpp), equal on every rank. In place with one InOut view.
TaskRef all_reduce(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name = "all_reduce");
TaskRef all_reduce(Scope& scope, const Comm& comm, const View& in_out, std::string name = "all_reduce");
// in_out on every rank = in_out of rank `root`.
TaskRef broadcast(Scope& scope, const Comm& comm, const View& in_out, int root, std::string name = "broadcast");
// Part r of out (n / size elements) = part `this rank` of rank r's in (n elements).
TaskRef all_to_all(Scope& scope, const Comm& comm, const View& in, const View& out, std::string name = "all_to_all");
// A message to rank `dest`, matched by the recv of rank `dest` with this rank and tag
// (0..32767). Its completion waits for the matching recv (a timeout without one).
TaskRef send(Scope& scope, const Comm& comm, const View& in, int dest, int tag, std::string name = "send");
TaskRef recv(Scope& scope, const Comm& comm, const View& out, int source, int tag, std::string name = "recv");

}  // namespace tg
