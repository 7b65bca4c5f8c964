// Signals a daemon handles in its loop rather than in a handler: blocked, and read from a
// signalfd that the loop polls (common/event_source.h). Single-threaded.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>

#include "common/event_source.h"
#include "common/status.h"

namespace vigil {

class SignalSource : public EventSource {
 public:
  using Handler = std::function<void(int signal)>;

  // Blocks `signals` in the calling thread (threads and children it starts later inherit the
  // mask) and opens a signalfd for them. Errors: sigprocmask's, signalfd's.
  static Result<std::unique_ptr<SignalSource>> Block(std::initializer_list<int> signals, Handler handler);
  // Closes the signalfd; the signals stay blocked.
  ~SignalSource();
  SignalSource(const SignalSource&) = delete;
  SignalSource& operator=(const SignalSource&) = delete;

  void Arm(PollSet& set) override;
  // The handler, once for each signal received, in order.
  void Dispatch(const PollSet& set, SteadyTime now) override;

 private:
  SignalSource(int fd, Handler handler) : fd_(fd), handler_(std::move(handler)) {}

  int fd_;
  Handler handler_;
};

}  // namespace vigil
