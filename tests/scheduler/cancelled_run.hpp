#pragma once
// Runs `graph` and cancels the run from another thread once `ready()` holds; returns the
// RunStoppedError's text ("" and a test failure when the run ended any other way).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"

namespace tg::test {

inline std::string cancelled_run_error(HostExecutor& executor, const Graph& graph, Bindings& memory,
                                       const std::function<bool()>& ready) {
  std::thread canceller([&] {
    while (!ready()) std::this_thread::yield();
    executor.cancel();
  });
  std::string what;
  try {
    executor.run(graph, memory);
    ADD_FAILURE() << "expected RunStoppedError";
  } catch (const RunStoppedError& e) {
    what = e.what();
  }
  canceller.join();
  return what;
}

}  // namespace tg::test
