// The models' one tile-grid helper: an SPMD task and a task per tile cut the same tiles, a
// grid whose arguments disagree is a GraphError naming the task, and matrix_of gives the
// 2-D box of a rank-3 tile.
#include "models/common/tiled_tasks.hpp"

#include <gtest/gtest.h>

#include "kernels/descriptors/elementwise.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg;
namespace kd = tg::kernels::descriptors;
using tg::models::Emission;
using tg::models::submit_tiled;

TEST(TiledTasks, SpmdIsOneTaskWhoseBlocksAreTheTiles) {
  Scope s{"spmd"};
  auto x = s.input("x", {4, 96}, FP32);
  auto y = s.output("y", {4, 96}, BF16);
  submit_tiled(s, TaskKind::Vector, "cast", kd::cast(), {.src = In(x).tiled(tile::cols(32)), .dst = Out(y).tiled(tile::cols(32))},
               Emission::spmd);
  ASSERT_EQ(s.num_tasks(), 1u);
  EXPECT_EQ(s.task(0).block_num, 3);
  EXPECT_EQ(s.task(0).args[1].view.describe(), "y[0:4, 0:96]");  // edges see the whole view
}

TEST(TiledTasks, TaskPerTileCutsEachArgumentToItsTile) {
  Scope s{"per_tile"};
  auto x = s.input("x", {4, 96}, FP32);
  auto y = s.output("y", {4, 96}, BF16);
  auto g = s.input("g", {96}, FP32);
  submit_tiled(s, TaskKind::Vector, "scale", kd::scale(),
               {.x = In(x).tiled(tile::cols(32)), .col_scale = In(g).tiled(tile::cols(32)), .y = Out(y).tiled(tile::cols(32))},
               Emission::task_per_tile);
  ASSERT_EQ(s.num_tasks(), 3u);
  for (TaskId t = 0; t < 3; ++t) {
    const Task& task = s.task(t);
    EXPECT_EQ(task.block_num, 1);
    EXPECT_TRUE(task.grid.empty());
    const std::string cols = std::to_string(32 * t) + ":" + std::to_string(32 * (t + 1));
    EXPECT_EQ(task.args[0].view.describe(), "x[0:4, " + cols + "]");
    EXPECT_EQ(task.args[1].view.describe(), "g[" + cols + "]");
    EXPECT_EQ(task.args[2].view.describe(), "y[0:4, " + cols + "]");
    ASSERT_TRUE(task.cost);  // derived from the descriptor, on the tile
    EXPECT_DOUBLE_EQ(task.cost->bytes, 4.0 * 32 * 4 + 32 * 4 + 4.0 * 32 * 2);
  }
}

TEST(TiledTasks, ArgumentsThatMakeDifferentGridsAreAnErrorNamingTheTask) {
  Scope s{"bad"};
  auto x = s.input("x", {4, 96}, FP32);
  auto y = s.output("y", {4, 96}, BF16);
  for (Emission e : {Emission::spmd, Emission::task_per_tile}) {
    try {
      submit_tiled(s, TaskKind::Vector, "cast", kd::cast(), {.src = In(x).tiled(tile::cols(32)), .dst = Out(y).tiled(tile::cols(48))}, e);
      FAIL() << "tiles of 32 and 48 columns make 3 and 2 blocks";
    } catch (const GraphError& error) {
      EXPECT_NE(std::string(error.what()).find("cast"), std::string::npos) << error.what();
    }
  }
  EXPECT_EQ(s.num_tasks(), 0u);
}

TEST(TiledTasks, MatrixOfARank3TileIsItsBoxInTheRowByColumnsFrame) {
  Scope s{"m"};
  auto q = s.input("q", {8, 4, 16}, BF16);  // [T, H, HEAD_DIM]
  EXPECT_EQ(models::matrix_of(q.slice({2, 1, 0}, {3, 2, 16})).describe(), "q{[0:8, 0:4, 0:16] as [8, 64]}[2:5, 16:48]");
  EXPECT_EQ(models::matrix_of(q.slice({0, 3, 4}, {8, 1, 8})).describe(), "q{[0:8, 0:4, 0:16] as [8, 64]}[0:8, 52:60]");
  EXPECT_THROW(models::matrix_of(q.slice({0, 0, 0}, {8, 2, 8})), ShapeError);  // not one box of [8, 64]
  EXPECT_THROW(models::matrix_of(q.reshape({32, 16})), ShapeError);  // rank 2: nothing to merge
}

}  // namespace
