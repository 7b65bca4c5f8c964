// WorkerPool runs jobs on threads it starts on demand, up to a limit; past the limit jobs wait
// in arrival order. Agent operations may block (a script runs for seconds), so a job never waits
// behind a blocked one while a thread could be started for it; quick jobs are taken in bursts by
// the threads already awake. Thread-safe. The destructor finishes queued jobs and joins every
// thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil {

class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads = 256);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Post(std::function<void()> job);

 private:
  void Work();
  // Picks the worker to wake (true: the caller notifies cv_ once it has let go of mu_) or
  // starts one.
  bool WakeOneLocked();

  const size_t max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool wake_pending_ = false;  // a worker was woken or started and has not yet run
  bool stopping_ = false;
};

}  // namespace vigil
