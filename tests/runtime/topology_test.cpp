#include "runtime/topology.hpp"

#include <gtest/gtest.h>

TEST(Topology, SeesAtLeastOneCoreAndPrintsIt) {
  const auto t = tg::detect_host_topology();
  EXPECT_GE(t.cores, 1);
  EXPECT_GE(t.pus, t.cores);
  EXPECT_NE(t.summary().find("cores"), std::string::npos);
}
