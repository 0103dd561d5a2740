// Lint a scope before running it, then save it as JSON for `tilegraph lint` / `dot` / `sim`.
//
// The scope below has the seed bug of the DeepSeek V3.2 front: q_rope also writes its
// rotated values into a local staging buffer that nothing reads (a dead write). tg::lint
// finds it with the task, argument and region; the fixed scope lints clean.
#include <filesystem>
#include <iostream>

#include "tasks/lint.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace {

constexpr std::int64_t kBatch = 4, kQLora = 256, kQDim = 768, kRope = 64;

tg::Graph build(bool with_bug) {
  tg::Scope s{"q_path"};
  auto qr = s.input("qr_out", {kBatch, kQLora}, tg::BF16);
  auto wq_b = s.weight("wq_b", {kQLora, kQDim}, tg::BF16);
  auto cos = s.input("rope_cos", {64, kRope}, tg::FP32);
  auto q_roped = s.output("q_roped_out", {kBatch, kQDim}, tg::BF16);
  auto q_proj = s.staging("q_proj", {kBatch, kQDim}, tg::BF16);
  auto local = s.staging("q_rot_local", {kBatch, kRope}, tg::BF16);

  s.cube("q_head_proj", {tg::In(qr), tg::In(wq_b), tg::Out(q_proj)})
      .blocks(12)
      .expect_dtypes({tg::BF16, tg::BF16, tg::BF16});  // the kernel's contract, checked by lint
  for (std::int64_t b = 0; b < kBatch; ++b) {
    std::vector<tg::Arg> args = {tg::In(q_proj.rows(b, 1)), tg::In(cos), tg::Out(q_roped.rows(b, 1))};
    if (with_bug) args.push_back(tg::Out(local.rows(b, 1)));
    s.vector("q_rope", std::move(args));
  }
  return s.finalize();
}

}  // namespace

int main() {
  // 1. The buggy scope: one dead-write warning per q_rope task.
  const auto found = tg::lint(build(/*with_bug=*/true));
  for (const auto& d : found) std::cout << d.to_string();
  if (found.size() != 4 || found[0].rule != "dead-write" || !tg::lint_fails(found, /*werror=*/true)) {
    std::cout << "expected 4 dead-write warnings\n";
    return 1;
  }

  // 2. The fixed scope lints clean, even with --werror.
  const tg::Graph fixed = build(/*with_bug=*/false);
  if (!tg::lint(fixed).empty()) return 1;

  // 3. Saved as JSON, it reads back with the same edges: `tilegraph lint q_path.json`.
  const auto path = std::filesystem::temp_directory_path() / "q_path.json";
  tg::write_scope_json(fixed, path.string());
  const tg::Graph back = tg::read_scope_json(path.string());
  std::cout << "fixed scope: clean; " << path.string() << " holds " << back.num_tasks() << " tasks and "
            << back.edges().size() << " edges\n";
  std::filesystem::remove(path);
  return back.edges().size() == fixed.edges().size() ? 0 : 1;
}
