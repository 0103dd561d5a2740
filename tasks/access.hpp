#pragma once
// How a task touches a view: the input to dependency inference, not documentation.
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/view.hpp"
#include "tasks/block_tiles.hpp"

namespace tg {

enum class Access : std::uint8_t { In, Out, InOut };

constexpr std::string_view name_of(Access a) {
  switch (a) {
    case Access::In: return "In";
    case Access::Out: return "Out";
    case Access::InOut: return "InOut";
  }
  return "?";
}

constexpr bool reads(Access a) { return a != Access::Out; }
constexpr bool writes(Access a) { return a != Access::In; }

// An argument's tiles as given at submit, held out of line and shared by copies: most
// arguments have none, and an inline TileSpec was 80 of an Arg's 368 bytes (an Arg is
// copied into every task). Converts from a TileSpec; empty() and resolve() as TileSpec's.
class ArgTiles {
 public:
  ArgTiles() = default;
  ArgTiles(TileSpec spec)  // NOLINT: implicit, as the TileSpec field it replaces took one
      : spec_(spec.empty() ? nullptr : std::make_shared<const TileSpec>(std::move(spec))) {}
  bool empty() const { return spec_ == nullptr; }
  // An empty TileSpec when there are none.
  const TileSpec& spec() const {
    static const TileSpec none{};
    return spec_ ? *spec_ : none;
  }
  std::vector<TileDim> resolve(int rank) const { return spec().resolve(rank); }

 private:
  std::shared_ptr<const TileSpec> spec_;
};

struct Arg {
  View view;
  Access access = Access::In;
  bool infer = true;  // false: this argument creates and updates no dependencies
  ArgTiles tile{};     // how each SPMD block cuts this view (tasks/block_tiles.hpp); empty = whole

  // This argument cut per block: Out(c).tiled(tile::grid(16, 64)).
  Arg tiled(TileSpec spec) const {
    Arg a = *this;
    a.tile = std::move(spec);
    return a;
  }
};

inline Arg In(View v) { return Arg{std::move(v), Access::In, true, {}}; }
inline Arg Out(View v) { return Arg{std::move(v), Access::Out, true, {}}; }
inline Arg InOut(View v) { return Arg{std::move(v), Access::InOut, true, {}}; }
// Opt an argument out of inference, for accesses the user orders by other means.
inline Arg NoDep(Arg a) {
  a.infer = false;
  return a;
}

}  // namespace tg
