#pragma once
// V3.2 decode scope 1's tile parameters by name (models/common/tile_params.hpp): the fields
// of Scope1Config that set its task granularity, named as config.hpp names them.
#include "models/common/tile_params.hpp"
#include "models/deepseek_v3_2/config.hpp"

namespace tg::models::deepseek_v3_2 {

const TileTable<Scope1Config>& scope1_tile_table();

}  // namespace tg::models::deepseek_v3_2
