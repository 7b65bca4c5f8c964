// The worker pool: every job runs, a blocked job never holds up the ones behind it, and waking
// survives workers taking each other's jobs (a lost wake-up once stalled the pool for good).
#include "host/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace vigil {
namespace {

TEST(WorkerPoolTest, RunsEveryJobPostedFromManyThreads) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(8);
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int i = 0; i < 20000; ++i) pool.Post([&] { ++ran; });
      });
    }
    for (auto& t : posters) t.join();
  }  // the destructor finishes queued jobs
  EXPECT_EQ(ran.load(), 80000);
}

// The destructor used to join threads while a worker still running the queue could start
// another one, growing the vector it iterated (a crash, now and then, in the test above).
TEST(WorkerPoolTest, DestroyingWithQueuedJobsDoesNotRaceAThreadStart) {
  std::atomic<int> ran{0};
  for (int round = 0; round < 200; ++round) {
    WorkerPool pool(8);
    for (int i = 0; i < 500; ++i) pool.Post([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 200 * 500);
}

TEST(WorkerPoolTest, BlockedJobDoesNotHoldUpTheJobsBehindIt) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int quick_done = 0;
  WorkerPool pool;  // declared last: joined before what its jobs use goes away
  pool.Post([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  });
  for (int i = 0; i < 100; ++i) {
    pool.Post([&] {
      std::lock_guard<std::mutex> lock(mu);
      ++quick_done;
      cv.notify_all();
    });
  }
  {
    // Would wait forever if the quick jobs queued behind the blocked one.
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return quick_done == 100; });
    release = true;
    cv.notify_all();
  }
}

TEST(WorkerPoolTest, ManyBlockingJobsEachGetAThread) {
  constexpr int kJobs = 32;
  std::mutex mu;
  std::condition_variable cv;
  int waiting = 0;
  WorkerPool pool(kJobs);  // declared last: joined before what its jobs use goes away
  for (int i = 0; i < kJobs; ++i) {
    pool.Post([&] {
      std::unique_lock<std::mutex> lock(mu);
      ++waiting;
      cv.notify_all();
      // Every job waits until all are running at once: only possible with a thread each.
      cv.wait(lock, [&] { return waiting == kJobs; });
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return waiting == kJobs; });
  }
}

TEST(WorkerPoolTest, KeepsWakingAfterBurstsWithIdleGaps) {
  WorkerPool pool(4);
  for (int round = 0; round < 2000; ++round) {
    std::mutex mu;
    std::condition_variable cv;
    int done = 0;
    const int n = 1 + round % 7;
    for (int i = 0; i < n; ++i) {
      pool.Post([&] {
        std::lock_guard<std::mutex> lock(mu);
        ++done;
        cv.notify_all();
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done == n; });
  }
}

}  // namespace
}  // namespace vigil
