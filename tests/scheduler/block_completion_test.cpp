#include "scheduler/block_completion.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "cancelled_run.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

// Stands in for a progress thread: it does deferred work later, on its own thread.
class LaterThread {
 public:
  LaterThread() : thread_([this] { loop(); }) {}
  ~LaterThread() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;
};

TEST(BlockCompletion, NullOutsideAnExecutorRun) { EXPECT_EQ(defer_block_completion(), nullptr); }

TEST(BlockCompletion, SuccessorsWaitForTheSignalNotForTheKernelToReturn) {
  LaterThread later;
  Scope s{"deferred"};
  auto x = s.output("x", {64}, INT32);
  auto y = s.output("y", {64}, INT32);
  // Each block's kernel returns at once; its elements are written later by the other thread.
  s.host("write_later", {Out(x)}, [&later](const TaskContext& c) {
     auto done = defer_block_completion();
     ASSERT_NE(done, nullptr);
     std::int32_t* data = c.data<std::int32_t>(0);
     const int b = c.block_idx();
     later.post([data, b, done] {
       std::this_thread::sleep_for(std::chrono::milliseconds(2));
       for (int i = b * 8; i < b * 8 + 8; ++i) data[i] = i + 1;
       done->succeed();
     });
   }).blocks(8);
  s.vector("copy", {In(x), Out(y)}, [](const TaskContext& c) {
    for (int i = 0; i < 64; ++i) c.data<std::int32_t>(1)[i] = c.data<std::int32_t>(0)[i];
  });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  for (int repeat = 0; repeat < 3; ++repeat) {
    auto result = ex.run(g, memory);
    for (int i = 0; i < 64; ++i) ASSERT_EQ(result.output("y").view().at<std::int32_t>({i}), i + 1) << i;
    // The deferred blocks' rows end when they were signalled, before the copy started.
    std::int64_t last_signal = 0, copy_start = 0;
    for (const auto& r : result.timeline.rows()) (r.task == 0 ? last_signal = std::max(last_signal, r.end_ns) : copy_start = r.start_ns);
    EXPECT_LE(last_signal, copy_start);
    EXPECT_EQ(result.timeline.rows().size(), 9u);
  }
}

TEST(BlockCompletion, FailStopsTheRunAsAKernelErrorNamingTaskAndBlock) {
  LaterThread later;
  Scope s{"deferred_fail"};
  auto x = s.output("x", {4}, INT32);
  s.host("fails_later", {Out(x)}, [&later](const TaskContext& c) {
     auto done = defer_block_completion();
     if (c.block_idx() == 3) later.post([done] { done->fail("request failed"); });
     else later.post([done] { done->succeed(); });
   }).blocks(4);
  s.vector("never", {InOut(x)}, [](const TaskContext&) { FAIL() << "a successor of a failed task ran"; });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  try {
    ex.run(g, memory);
    FAIL() << "no error";
  } catch (const KernelError& e) {
    EXPECT_EQ(e.task_name(), "fails_later#0");
    EXPECT_EQ(e.block_idx(), 3);
    EXPECT_NE(std::string(e.what()).find("request failed"), std::string::npos) << e.what();
  }
  // The executor stays usable.
  Scope ok{"ok"};
  auto z = ok.output("z", {1}, INT32);
  ok.vector("one", {Out(z)}, [](const TaskContext& c) { c.data<std::int32_t>(0)[0] = 1; });
  auto g2 = ok.finalize();
  Bindings m2(g2);
  EXPECT_EQ(ex.run(g2, m2).output("z").view().at<std::int32_t>({0}), 1);
}

TEST(BlockCompletion, ADroppedCompletionFailsItsTaskInsteadOfHanging) {
  Scope s{"dropped"};
  auto x = s.output("x", {1}, INT32);
  s.host("drops", {Out(x)}, [](const TaskContext&) { (void)defer_block_completion(); });
  auto g = s.finalize();
  HostExecutor ex(1);
  Bindings memory(g);
  try {
    ex.run(g, memory);
    FAIL() << "no error";
  } catch (const KernelError& e) {
    EXPECT_EQ(e.task_name(), "drops#0");
    EXPECT_NE(std::string(e.what()).find("dropped without being signalled"), std::string::npos) << e.what();
  }
}

TEST(BlockCompletion, AStoppedRunAsksTheOwnerToGiveUpInsteadOfWaitingForever) {
  // The deferred block would never be signalled on its own (a peer that will not come);
  // a kernel error elsewhere stops the run, and the stop handler fails the block.
  std::atomic<bool> handler_ran{false}, deferred{false};
  Scope s{"stopped"};
  auto x = s.output("x", {1}, INT32);
  auto y = s.output("y", {1}, INT32);
  s.host("waits_forever", {Out(x)}, [&](const TaskContext&) {
    std::shared_ptr<BlockCompletion> done = defer_block_completion();
    done->on_run_stopped([done, &handler_ran] {
      handler_ran = true;
      done->fail("given up");
    });
    deferred = true;
  });
  // Throws once the other block is deferred (a worker each: the two run at once).
  s.vector("throws", {Out(y)}, [&](const TaskContext&) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);  // fail, never hang
    while (!deferred && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    throw std::runtime_error("boom");
  });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  try {
    ex.run(g, memory);
    FAIL() << "no error";
  } catch (const KernelError&) {
  }
  EXPECT_TRUE(handler_ran);
}

TEST(BlockCompletion, DeferringTwiceInOneBlockIsAnError) {
  Scope s{"twice"};
  auto x = s.output("x", {1}, INT32);
  s.host("twice", {Out(x)}, [](const TaskContext&) {
    auto first = defer_block_completion();
    first->succeed();
    (void)defer_block_completion();
  });
  auto g = s.finalize();
  HostExecutor ex(1);
  Bindings memory(g);
  EXPECT_THROW(ex.run(g, memory), KernelError);
}

}  // namespace

namespace {

// A block whose completion is deferred still runs after its kernel returned: a stop names
// its task (the executor marks a one-block task running with plain stores, and the
// deferral adds and takes its own count, so the kernel's return must not clear it).
TEST(BlockCompletion, ADeferredBlockIsNamedAsRunningWhenTheRunIsCancelled) {
  std::atomic<bool> deferred{false};
  Scope s{"deferred_running"};
  auto x = s.output("x", {1}, INT32);
  s.host("waits", {Out(x)}, [&](const TaskContext&) {
    std::shared_ptr<BlockCompletion> done = defer_block_completion();
    done->on_run_stopped([done] { done->fail("given up"); });
    deferred = true;
  });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  const std::string what = test::cancelled_run_error(ex, g, memory, [&] { return deferred.load(); });
  EXPECT_NE(what.find("still running: waits#0"), std::string::npos) << what;
}

}  // namespace
