#include "models/common/tile_params.hpp"

namespace tg::models {

std::string TileParam::form_text() const {
  return form == TileForm::Flag ? "0 or 1" : "an integer from 1 to " + std::to_string(kMaxTileValue);
}

std::string TileParam::form_error(std::int64_t v) const {
  const bool ok = form == TileForm::Flag ? (v == 0 || v == 1) : (v >= 1 && v <= kMaxTileValue);
  return ok ? std::string() : std::to_string(v) + " is out of range; expected " + form_text();
}

}  // namespace tg::models
