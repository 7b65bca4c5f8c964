#include "host/worker_pool.h"

namespace vigil {

// Waking: at most one worker is woken (or started) and not yet running at any moment. A worker
// that takes a job while more wait hands the baton on before it runs its own, so a job that
// blocks for seconds never holds up the ones behind it, while a burst of quick jobs is taken by
// the workers already running instead of costing one thread switch each.

WorkerPool::WorkerPool(size_t max_threads) : max_threads_(max_threads ? max_threads : 1) {}

WorkerPool::~WorkerPool() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;  // from here on no thread is started, so threads_ stays as it is
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

void WorkerPool::Post(std::function<void()> job) {
  bool notify;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
    notify = WakeOneLocked();
  }
  // Outside the lock: a woken worker may run at once, and would only block on mu_ again.
  if (notify) cv_.notify_one();
}

bool WorkerPool::WakeOneLocked() {
  if (wake_pending_) return false;
  if (idle_ > 0) {
    wake_pending_ = true;
    return true;
  }
  if (threads_.size() < max_threads_ && !stopping_) {
    wake_pending_ = true;
    threads_.emplace_back([this] { Work(); });
  }
  return false;
}

void WorkerPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  wake_pending_ = false;  // started: this thread was the pending one
  for (;;) {
    // No predicate form: every return from wait must clear wake_pending_, also when another
    // worker took the job meanwhile, or the pool would never wake anyone again.
    while (jobs_.empty()) {
      if (stopping_) return;
      ++idle_;
      cv_.wait(lock);
      --idle_;
      wake_pending_ = false;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    const bool notify = !jobs_.empty() && WakeOneLocked();
    lock.unlock();
    if (notify) cv_.notify_one();
    job();
    lock.lock();
  }
}

}  // namespace vigil
