#pragma once
// The model options every command that builds a model scope takes (run, bench, sweep, sim
// with a model name, run --tp): checked against the model's registry entry before anything
// is built, so an empty or unknown --mode or --config is a usage error listing the valid
// names, never the default taken silently (`--mode ''` used to run the default tiling).
#include "models/common/registry.hpp"

namespace tg::cli {

// UsageError naming the option and the model's accepted values: a mode not in entry.modes
// (the first is the default), a config not in entry.configs. Empty values are refused by
// the options' validators first (non_empty_value); here "" means "not given".
void check_model_options(const models::ModelEntry& entry, const models::ModelOptions& options);

}  // namespace tg::cli
