#include "tools/tp/comm_collectives.hpp"

#include "distributed/collectives.hpp"

namespace tg::cli {

TaskRef CommCollectives::all_gather(Scope& scope, const View& in, const View& out, std::string name) {
  return tg::all_gather(scope, comm_, in, out, std::move(name));
}

TaskRef CommCollectives::all_reduce(Scope& scope, const View& in, const View& out, std::string name) {
  return tg::all_reduce(scope, comm_, in, out, std::move(name));
}

}  // namespace tg::cli
