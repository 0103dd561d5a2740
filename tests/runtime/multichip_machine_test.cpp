// Multi-chip presets and the checks of the multi-chip machine JSON.
#include "runtime/multichip_machine.hpp"

#include <gtest/gtest.h>

#include <string>

#include "runtime/error.hpp"
#include "runtime/text_file.hpp"
#include "tests/fuzz_corpus_replay.hpp"

namespace tg {
namespace {

TEST(MultiChipMachine, PresetsAreNChipsOfA2a3OnAMesh) {
  for (int n : {2, 4, 8}) {
    const std::string name = "a2a3x" + std::to_string(n);
    ASSERT_TRUE(is_multichip_machine(name));
    const MultiChipMachine m = load_multichip_machine(name);
    EXPECT_EQ(m.chips(), n);
    EXPECT_EQ(m.chip.name, "a2a3");
    ASSERT_EQ(m.network.dims.size(), 1u);
    EXPECT_EQ(m.network.dims[0].topology, Topology::FullyConnected);
    EXPECT_EQ(m.network.dims[0].links_per_chip, n - 1);  // one HCCS link per pair
    EXPECT_DOUBLE_EQ(m.network.dims[0].peer_bytes_per_s(), 56e9);
    EXPECT_NE(m.summary().find("fully_connected of " + std::to_string(n)), std::string::npos);
  }
  EXPECT_FALSE(is_multichip_machine("a2a3"));
  EXPECT_EQ(multichip_preset_names().size(), 3u);
}

std::string doc(const std::string& dims, const std::string& extra = "", int chips = 4) {
  return R"({"name": "t", "chip": "a2a3", "chips": )" + std::to_string(chips) + R"(, "network": {"dims": [)" + dims + "]" +
         extra + "}}";
}
const std::string kDim =
    R"({"topology": "ring", "size": 4, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 100})";

std::string error_of(const std::string& text) {
  try {
    parse_multichip_json(text, "t.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MultiChipMachine, ParsesDimsAndForcedAlgorithms) {
  const MultiChipMachine m = parse_multichip_json(doc(kDim, R"(, "algorithms": {"all_gather": "halving_doubling"})"), "t.json");
  EXPECT_EQ(m.chips(), 4);
  EXPECT_EQ(m.network.dims[0].topology, Topology::Ring);
  EXPECT_DOUBLE_EQ(m.network.dims[0].chip_bytes_per_s(), 20e9);
  EXPECT_EQ(m.network.dims[0].latency_ns, 100);
  EXPECT_EQ(m.network.algorithm[static_cast<std::size_t>(Collective::AllGather)], CollectiveAlgorithm::HalvingDoubling);
  EXPECT_EQ(m.network.algorithm[static_cast<std::size_t>(Collective::AllReduce)], CollectiveAlgorithm::Auto);
}

TEST(MultiChipMachine, BadFilesNameTheFieldAndSayWhatIsExpected) {
  auto expect_error = [](const std::string& text, const std::string& part) {
    const std::string what = error_of(text);
    EXPECT_NE(what.find(part), std::string::npos) << "expected '" << part << "' in: " << what;
    EXPECT_NE(what.find("t.json"), std::string::npos) << what;
  };
  expect_error(doc(kDim, "", 8), "multiply to 4 chips, but \"chips\" is 8");
  expect_error(doc(kDim + "," + kDim, "", 4), "multiply to 16");
  expect_error(doc(R"({"topology": "torus", "size": 4, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 100})"),
               "/network/dims/0/topology");
  expect_error(doc(R"({"topology": "ring", "size": 1, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 100})"),
               "/network/dims/0/size");
  expect_error(doc(R"({"topology": "ring", "size": 4, "links_per_chip": 2, "link_gbytes_per_s": -1, "latency_ns": 100})"),
               "/network/dims/0/link_gbytes_per_s");
  expect_error(doc(R"({"topology": "ring", "size": 4, "links_per_chip": 2, "link_gbytes_per_s": 10})"), "latency_ns: missing");
  expect_error(doc(R"({"topology": "ring", "size": 4, "links": 2, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 1})"),
               "/network/dims/0/links: unknown field");
  expect_error(doc(R"({"topology": "fully_connected", "size": 4, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 1})"),
               "multiple of size - 1");
  expect_error(doc(kDim, R"(, "algorithms": {"all_reduce": "direct"})"), "direct needs a fully_connected or switch");
  expect_error(doc(kDim, R"(, "algorithms": {"all_reduce": "fastest"})"), "/network/algorithms/all_reduce");
  expect_error(doc(kDim, R"(, "algorithms": {"gather": "ring"})"), "unknown collective");
  expect_error(doc(kDim, R"(, "dim": 1)"), "/network/dim: unknown field");
  expect_error(doc("", ""), "at least one dimension");
  expect_error(R"({"name": "t", "chip": "a2a3", "chips": 4, "chips": 4, "network": {"dims": [)" + kDim + "]}}", "duplicate key");
  expect_error(R"({"name": "t", "chip": "a2a3x4", "chips": 4, "network": {"dims": [)" + kDim + "]}}", "name a chip preset");
  expect_error(R"({"name": "t", "chip": "b4", "chips": 4, "network": {"dims": [)" + kDim + "]}}", "unknown machine 'b4'");
  // A chip file that cannot be read as a file (an IoError of the reader) is named by /chip too.
  expect_error(R"({"name": "t", "chip": "/dev/zero", "chips": 4, "network": {"dims": [)" + kDim + "]}}",
               "/chip: '/dev/zero': machine file '/dev/zero' is a device or socket");
  expect_error(R"({"name": "t", "chip": "/", "chips": 4, "network": {"dims": [)" + kDim + "]}}", "/chip: '/': machine file '/' is a directory");
  // The chip cap (Network::kMaxChips): the simulator's time grows with the chips.
  const std::string ring = R"({"topology": "ring", "size": 4096, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 1})";
  const std::string pair = R"({"topology": "ring", "size": 2, "links_per_chip": 2, "link_gbytes_per_s": 10, "latency_ns": 1})";
  expect_error(R"({"name": "t", "chip": "a2a3", "chips": 8192, "network": {"dims": [)" + ring + "," + pair + "]}}",
               "/chips: expected an integer number of chips from 2 to 4096, found 8192");
  EXPECT_EQ(parse_multichip_json(R"({"name": "t", "chip": "a2a3", "chips": 4096, "network": {"dims": [)" + ring + "]}}", "t.json").chips(), 4096);
}

TEST(MultiChipMachine, UnknownPresetListsThePresets) {
  try {
    load_multichip_machine("a2a3x3");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a2a3x2, a2a3x4, a2a3x8"), std::string::npos) << e.what();
  }
}

TEST(MultiChipMachine, FuzzCorpusReplays) {
  // The machine fuzzer's corpus (chip and multi-chip files): a machine or a tg::Error, never another exception.
  const auto counts = testing::replay_corpus("corpus_machine", [](const std::filesystem::path& file) {
    (void)parse_multichip_json(read_text_file(file.string(), "machine file"), file.filename().string());
  });
  EXPECT_GE(counts.files, 13);
  EXPECT_GE(counts.read, 2);  // a2a3x4.json and multichip_two_dims.json
}

TEST(Network, CoordinatesAreInnermostFirst) {
  Network n{{NetworkDim{Topology::FullyConnected, 2, 1, 1e9, 0}, NetworkDim{Topology::Ring, 4, 2, 1e9, 0}}, {}};
  EXPECT_EQ(n.chips(), 8);
  EXPECT_EQ(n.coordinate(5, 0), 1);
  EXPECT_EQ(n.coordinate(5, 1), 2);
  EXPECT_EQ(NetworkDim({Topology::Ring, 8, 2, 1e9, 0}).hops(5), 3);
}

}  // namespace
}  // namespace tg
