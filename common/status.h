// Status and Result: errors as values.
//
// A Status is a code plus a message built at the failure site (with errno text where a system
// call failed). Result<T> is a value or a Status. No exception leaves a Vigil module: where a
// library throws, the call site catches and returns a Status. Neither type is an OCF outcome:
// agents report OCF codes (common/ocf.h), and host/ maps an internal Status to one in one place.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vigil {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // the caller's input is wrong (usage, parameters, syntax)
  kNotFound,         // a named thing does not exist
  kIoError,          // a system call failed
  kParseError,       // a file or message is malformed
  kUnsupported,      // well-formed but not supported here
  kTimeout,
  kConflict,         // based on a version that is no longer the current one
  kInternal,
  kUnavailable,      // nobody can take it now (no DC, or no link to it): nothing was done
  kAlreadyExists,    // a thing to be made is there already
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  // A kIoError whose message ends with strerror(errnum).
  static Status FromErrno(std::string what, int errnum);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vigil
