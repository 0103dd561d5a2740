#include <gtest/gtest.h>

#include "tests/fuzz_corpus_replay.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tasks/edge_region.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace {

using namespace tg;

// A graph that uses every field the format has: nested scopes, a staging ring, slices,
// reshaped views, a no-dependency arg, cost hints, explicit deps, a dtype contract, a MIX
// task with subslots and sync_start.
Graph rich_graph() {
  Scope s{"rich"};
  auto x = s.input("x", {16, 256}, BF16);
  auto w = s.weight("w", {256, 128}, BF16);  // rows = K
  auto y = s.output("y", {16, 256}, FP32);
  auto ring = s.staging_ring("tile", 2, {16, 64}, FP32);
  auto flat = s.staging("flat", {4096}, FP32);
  TaskId first = 0;
  {
    auto stage = s.nest("stage_a");
    auto local = s.staging("local", {16, 256}, FP32);
    first = s.vector("cast_in", {In(x), Out(local)}).blocks(16).expect_dtypes({BF16, FP32});
    s.pipeline(3, 2, [&](const PipelineStep& step) {
      s.cube("mm", {In(local.cols(step.iter * 64, 64)), In(w.rows(step.iter * 64, 64)), Out(ring[step])})
          .cost({2.0 * 16 * 64 * 128, 4096, 65536, false});
      s.vector("acc", {In(ring[step]), InOut(y.cols(step.iter * 64, 64))});
    });
  }
  {
    auto stage = s.nest("stage_b");
    auto inner = s.nest("inner");
    // A reshaped frame, then a column slice of it: not a box in buffer coordinates.
    auto frame = flat.rows(1024, 2048).reshape({32, 64});
    s.mix("mix_fill", {Out(frame.cols(8, 16)), NoDep(In(y))}).mix_slots(kSlotAic | kSlotAiv0).sync_start();
    s.host("host_read", {In(frame.cols(8, 16))}).after(first);
  }
  s.vector("tail", {In(flat.reshape({64, 64}).slice({0, 8}, {64, 16}))});
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

void expect_same_graph(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.name(), b.name());
  ASSERT_EQ(a.num_tasks(), b.num_tasks());
  ASSERT_EQ(a.buffers().size(), b.buffers().size());
  for (std::size_t i = 0; i < a.buffers().size(); ++i) {
    const Buffer& p = *a.buffers()[i];
    const Buffer& q = *b.buffers()[i];
    EXPECT_EQ(p.name(), q.name());
    EXPECT_EQ(p.dtype(), q.dtype());
    EXPECT_EQ(p.shape(), q.shape());
    EXPECT_EQ(p.role(), q.role());
    EXPECT_EQ(a.scope_of_buffer(p.id()), b.scope_of_buffer(q.id()));
  }
  ASSERT_EQ(a.scopes().size(), b.scopes().size());
  for (std::size_t i = 0; i < a.scopes().size(); ++i) {
    EXPECT_EQ(a.scopes()[i].name, b.scopes()[i].name);
    EXPECT_EQ(a.scopes()[i].parent, b.scopes()[i].parent);
  }
  for (TaskId t = 0; t < a.num_tasks(); ++t) {
    const Task& p = a.task(t);
    const Task& q = b.task(t);
    EXPECT_EQ(p.name, q.name);
    EXPECT_EQ(p.kind, q.kind);
    EXPECT_EQ(p.block_num, q.block_num);
    EXPECT_EQ(p.sync_start, q.sync_start);
    EXPECT_EQ(p.mix_slots, q.mix_slots);
    EXPECT_EQ(p.scope, q.scope);
    EXPECT_EQ(p.after, q.after);
    EXPECT_EQ(p.expected_dtypes, q.expected_dtypes);
    ASSERT_EQ(p.cost.has_value(), q.cost.has_value());
    if (p.cost) {
      EXPECT_EQ(p.cost->flops, q.cost->flops);
      EXPECT_EQ(p.cost->bytes, q.cost->bytes);
      EXPECT_EQ(p.cost->working_set_bytes, q.cost->working_set_bytes);
      EXPECT_EQ(p.cost->int8, q.cost->int8);
    }
    ASSERT_EQ(p.args.size(), q.args.size());
    for (std::size_t k = 0; k < p.args.size(); ++k) {
      const View& u = p.args[k].view;
      const View& v = q.args[k].view;
      EXPECT_EQ(u.buffer().name(), v.buffer().name());
      EXPECT_EQ(u.base(), v.base()) << p.label() << " arg " << k;
      EXPECT_EQ(u.sizes(), v.sizes()) << p.label() << " arg " << k;
      EXPECT_EQ(u.strides(), v.strides()) << p.label() << " arg " << k;
      EXPECT_EQ(u.buffer_boxes(), v.buffer_boxes());
      EXPECT_EQ(p.args[k].access, q.args[k].access);
      EXPECT_EQ(p.args[k].infer, q.args[k].infer);
    }
  }
  ASSERT_EQ(a.edges().size(), b.edges().size());
  for (std::size_t i = 0; i < a.edges().size(); ++i) {
    const Edge& e = a.edges()[i];
    const Edge& f = b.edges()[i];
    EXPECT_EQ(e.from, f.from);
    EXPECT_EQ(e.to, f.to);
    EXPECT_EQ(e.kind, f.kind);
    EXPECT_EQ(e.buffer, f.buffer);
    EXPECT_EQ(edge_region(a, e), edge_region(b, f));
    EXPECT_EQ(e.from_arg, f.from_arg);
    EXPECT_EQ(e.to_arg, f.to_arg);
  }
}

TEST(ScopeJson, RoundTripGivesAnIdenticalGraph) {
  const Graph original = rich_graph();
  const std::string text = to_scope_json(original);
  const Graph back = parse_scope_json(text, "rich.json", FinalizeOptions{.lint = Lint::Off});
  back.verify();
  expect_same_graph(original, back);
  // Writing the imported graph gives the same bytes: nothing is lost or reordered.
  EXPECT_EQ(to_scope_json(back), text);
}

TEST(ScopeJson, ExportNamesFieldsAsDocumented) {
  const std::string text = to_scope_json(rich_graph());
  // Hand-checked fragments of the documented format.
  EXPECT_NE(text.find("\"format\": \"tilegraph.scope\""), std::string::npos);
  EXPECT_NE(text.find("\"access\": \"inout\""), std::string::npos);
  EXPECT_NE(text.find("\"infer\": false"), std::string::npos);
  EXPECT_NE(text.find("\"expect_dtype\": \"bf16\""), std::string::npos);
  EXPECT_NE(text.find("\"kind\": \"war\""), std::string::npos);
  EXPECT_NE(text.find("\"frame\""), std::string::npos);
  EXPECT_NE(text.find("\"name\": \"tile[1]\""), std::string::npos);
}

TEST(ScopeJson, FileRoundTrip) {
  const auto path = std::filesystem::temp_directory_path() / "tg_scope_json_test.json";
  const Graph original = rich_graph();
  write_scope_json(original, path.string());
  expect_same_graph(original, read_scope_json(path.string(), FinalizeOptions{.lint = Lint::Off}));
  std::filesystem::remove(path);
  EXPECT_THROW(read_scope_json(path.string()), IoError);
}

// A minimal valid document; the error tests each break one thing in it.
const char* kMinimal = R"({
  "name": "mini",
  "buffers": [
    {"name": "a", "dtype": "fp32", "shape": [4, 8], "role": "input"},
    {"name": "b", "dtype": "fp32", "shape": [4, 8], "role": "output"}
  ],
  "tasks": [
    {"name": "copy", "kind": "vector", "args": [
      {"buffer": "a", "access": "in"},
      {"buffer": "b", "access": "out", "box": [[0, 4], [0, 8]]}
    ]},
    {"name": "scale", "kind": "vector", "block_num": 4, "args": [
      {"buffer": "b", "access": "inout", "box": [[0, 2], [0, 8]]}
    ]}
  ],
  "edges": [
    {"from": 0, "to": 1, "kind": "raw", "buffer": "b", "region": [[0, 2], [0, 8]], "from_arg": 1, "to_arg": 0}
  ]
})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    parse_scope_json(text, "t.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ScopeJson, MinimalDocumentParses) {
  const Graph g = parse_scope_json(kMinimal, "t.json");
  ASSERT_EQ(g.num_tasks(), 2u);
  EXPECT_EQ(g.task(1).block_num, 4);
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(g.edges()[0].kind, EdgeKind::Raw);
  EXPECT_EQ(box_to_string(edge_region(g, g.edges()[0]).value()), "[0:2, 0:8]");
}

TEST(ScopeJson, ErrorsNameTheJsonPath) {
  EXPECT_EQ(error_of(replaced(kMinimal, "[[0, 4], [0, 8]]", "[[0, 4], [0, 8], [0, 1]]")),
            "t.json: tasks[0].args[1].box: 3 dims for a 2-dim buffer 'b' [4, 8]");
  EXPECT_EQ(error_of(replaced(kMinimal, "[[0, 4], [0, 8]]", "[[0, 4], [4, 9]]")),
            "t.json: tasks[0].args[1].box[1]: 4:9 is not a non-empty range inside dim 1 of the buffer 'b' (extent 8); "
            "ranges are [start, stop) with start < stop");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"access\": \"in\"", "\"acess\": \"in\"")),
            "t.json: tasks[0].args[0].acess: unknown field; the fields here are buffer, access, box, frame, infer, "
            "expect_dtype, param, tile");
  EXPECT_EQ(error_of(replaced(kMinimal, "{\"buffer\": \"a\"", "{\"buffer\": \"c\"")),
            "t.json: tasks[0].args[0].buffer: no buffer is named 'c'; declare it in buffers");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"dtype\": \"fp32\"", "\"dtype\": \"f32\"")),
            "t.json: buffers[0].dtype: unknown dtype 'f32'; use bf16, fp16, fp32, int8 or int32");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"block_num\": 4", "\"block_num\": 0")),
            "t.json: tasks[1].block_num: 0 is outside [1, 2147483647]");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"block_num\": 4", "\"block_num\": 4.5")),
            "t.json: tasks[1].block_num: expected an integer, found 4.5");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"kind\": \"vector\", \"args\"", "\"kind\": \"vector\", \"after\": [1], \"args\"")),
            "t.json: tasks[0].after[0]: task 1 is not submitted before this task; after names earlier tasks");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"shape\": [4, 8], \"role\": \"input\"", "\"shape\": [4, 0], \"role\": \"input\"")),
            "t.json: buffers[0].shape[1]: 0 is outside [1, 281474976710656]");
  EXPECT_EQ(error_of(replaced(kMinimal, "{\"name\": \"b\"", "{\"name\": \"a\"")),
            "t.json: buffers[1].name: buffer 'a' is declared twice (first as buffers[0]); names are unique");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"tasks\": [", "\"tasks\": 3, \"x\": [")),
            "t.json: x: unknown field; the fields here are format, version, name, comment, scopes, buffers, tasks, edges");
  EXPECT_EQ(error_of("{\"name\": \"x\", \"buffers\": []}"), "t.json: tasks: missing");
  EXPECT_NE(error_of("{\"name\": ").find("t.json: not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of("[]"), "t.json: (top level): expected an object, found array");
}

TEST(ScopeJson, ListedEdgesMustMatchTheInferredOnes) {
  EXPECT_EQ(error_of(replaced(kMinimal, "\"kind\": \"raw\"", "\"kind\": \"war\"")),
            "t.json: edges: the file lists the war edge copy#0 -> scale#1 on b[0:2, 0:8] (arg 1 -> arg 0), but inference "
            "finds the raw edge copy#0 -> scale#1 on b[0:2, 0:8] (arg 1 -> arg 0); re-export the file, or delete its "
            "edges to accept the inferred ones");
  EXPECT_EQ(error_of(replaced(kMinimal, "\"region\": [[0, 2], [0, 8]]", "\"region\": [[0, 1], [0, 8]]")).substr(0, 40),
            "t.json: edges: the file lists the raw ed");
  const std::string no_edges = replaced(kMinimal, R"({"from": 0, "to": 1, "kind": "raw", "buffer": "b", "region": [[0, 2], [0, 8]], "from_arg": 1, "to_arg": 0})", "");
  EXPECT_EQ(error_of(no_edges),
            "t.json: edges: inference finds the raw edge copy#0 -> scale#1 on b[0:2, 0:8] (arg 1 -> arg 0), which the file "
            "does not list; re-export the file, or delete its edges to accept the inferred ones");
  // Without an edges field the inferred edges are accepted.
  const std::string unlisted = replaced(no_edges, ",\n  \"edges\": [\n    \n  ]", "");
  EXPECT_EQ(parse_scope_json(unlisted, "t.json").edges().size(), 1u);
}

TEST(ScopeJson, NestedScopeCannotBeReopened) {
  const std::string text = R"({"name": "n", "scopes": [{"name": "n", "parent": -1}, {"name": "a", "parent": 0}, {"name": "b", "parent": 0}],
    "buffers": [{"name": "t", "dtype": "fp32", "shape": [4], "role": "inout"}],
    "tasks": [{"name": "x", "kind": "vector", "scope": 1, "args": [{"buffer": "t", "access": "inout"}]},
              {"name": "y", "kind": "vector", "scope": 2, "args": [{"buffer": "t", "access": "inout"}]},
              {"name": "z", "kind": "vector", "scope": 1, "args": [{"buffer": "t", "access": "inout"}]}]})";
  EXPECT_EQ(error_of(text),
            "t.json: tasks[2].scope: scope 1 'a' was already closed by a later scope; the tasks and buffers of a nested "
            "scope are contiguous in submission order");
}

// Every file of the fuzz corpus either parses or throws a tg::Error: never a crash, never
// another exception type.
TEST(ScopeJson, FuzzCorpusReplays) {
  const auto counts = tg::testing::replay_corpus("corpus", [](const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    (void)parse_scope_json(text.str(), file.filename().string(), FinalizeOptions{.lint = Lint::Off});
  });
  EXPECT_GE(counts.files, 5);
  EXPECT_GE(counts.read, 1);
}

}  // namespace

namespace {

constexpr const char* kVersion2 = R"({
  "format": "tilegraph.scope", "version": 2, "name": "v2",
  "buffers": [
    {"name": "x", "dtype": "bf16", "shape": [16, 128], "role": "input"},
    {"name": "w", "dtype": "bf16", "shape": [128, 64], "role": "weight"},
    {"name": "y", "dtype": "fp32", "shape": [16, 64], "role": "output"}
  ],
  "tasks": [
    {"name": "proj", "kind": "cube", "kernel": "matmul", "args": [
      {"param": "a", "buffer": "x", "access": "in"},
      {"param": "b", "buffer": "w", "access": "in"},
      {"param": "c", "buffer": "y", "access": "out"}]}
  ]
})";

TEST(ScopeJson, Version2NamesKernelAndParametersAndRoundTrips) {
  const Graph g = parse_scope_json(kVersion2, "v2.json");
  EXPECT_EQ(g.task(0).kernel_name, "matmul");
  EXPECT_EQ(g.task(0).params, (std::vector<std::string>{"a", "b", "c"}));
  const std::string text = to_scope_json(g);
  EXPECT_NE(text.find("\"version\": 2"), std::string::npos);
  EXPECT_NE(text.find("\"kernel\": \"matmul\""), std::string::npos);
  const Graph back = parse_scope_json(text, "back.json");
  EXPECT_EQ(back.task(0).kernel_name, "matmul");
  EXPECT_EQ(back.task(0).params, g.task(0).params);
  EXPECT_EQ(to_scope_json(back), text) << "export, import, export gives the same bytes";
}

TEST(ScopeJson, Version2FieldsAreCheckedAndVersion1StillReads) {
  const std::string v2 = kVersion2;
  EXPECT_NE(error_of(replaced(v2, "\"version\": 2", "\"version\": 1")).find("tasks[0].kernel: kernel descriptor names need \"version\": 2"),
            std::string::npos);
  const std::string v1_with_params = replaced(replaced(v2, "\"kernel\": \"matmul\", ", ""), "\"version\": 2", "\"version\": 1");
  EXPECT_NE(error_of(v1_with_params).find("tasks[0].args[0].param: parameter names need \"version\": 2"), std::string::npos);
  EXPECT_NE(error_of(replaced(v2, "{\"param\": \"b\", ", "{")).find("name the parameter of every argument of a task, or of none"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(v2, "\"param\": \"b\"", "\"param\": \"a\"")).find("parameter 'a' is bound twice"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(v2, "\"version\": 2", "\"version\": 3")).find("version"), std::string::npos);
  EXPECT_EQ(parse_scope_json(kMinimal, "v1.json").task(0).kernel_name, "") << "a version 1 file reads as before";
}

}  // namespace
