// tilegraph::models from the install: the registry finds a scope, which runs and passes its
// golden check.
#include "models/common/registry.hpp"
#include "tilegraph/tilegraph.hpp"

int run_a_model_scope() {
  tg::models::ModelOptions options;
  options.config = "small";
  auto run = tg::models::find_model("v4-swa-attention").make(options);
  run->generate_inputs(1);
  run->validate_inputs();
  run->run(tg::HostExecutor{1});
  return run->check().pass() ? 0 : 4;
}
