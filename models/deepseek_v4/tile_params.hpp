#pragma once
// The V4 scopes' tile parameters by name (models/common/tile_params.hpp): the fields of
// Tiles each scope reads, named as config.hpp names them.
#include "models/common/tile_params.hpp"
#include "models/deepseek_v4/config.hpp"

namespace tg::models::deepseek_v4 {

const TileTable<Tiles>& qkv_tile_table();  // qkv_proj_rope
const TileTable<Tiles>& swa_tile_table();  // SWA attention + grouped o_proj

}  // namespace tg::models::deepseek_v4
