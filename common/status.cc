#include "common/status.h"

#include <cstring>

namespace vigil {

Status Status::FromErrno(std::string what, int errnum) {
  return Status(StatusCode::kIoError, std::move(what) + ": " + std::strerror(errnum));
}

}  // namespace vigil
