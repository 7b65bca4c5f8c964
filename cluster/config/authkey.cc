#include "cluster/config/authkey.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "common/durable_file.h"

namespace vigil::config {
namespace {

// Fills `out` from the kernel's generator without ever blocking.
Status RandomBytes(std::vector<unsigned char>& out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, GRND_NONBLOCK);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != ENOSYS) return Status::FromErrno("getrandom", errno);
    break;  // early boot: the pool is not initialised yet
  }
  if (done == out.size()) return Status::Ok();
  const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("cannot open /dev/urandom", errno);
  while (done < out.size()) {
    const ssize_t n = read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = n < 0 ? errno : EIO;
      close(fd);
      return Status::FromErrno("cannot read /dev/urandom", e);
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return Status::Ok();
}

}  // namespace

Status WriteAuthkey(const std::filesystem::path& path, size_t bytes, bool force) {
  if (bytes < kAuthkeyMinBytes || bytes > kAuthkeyMaxBytes) {
    return Status(StatusCode::kInvalidArgument, "a key of " + std::to_string(bytes) + " bytes: it must have " +
                                                    std::to_string(kAuthkeyMinBytes) + " to " +
                                                    std::to_string(kAuthkeyMaxBytes));
  }
  std::error_code ec;
  if (!force && std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    return Status(StatusCode::kInvalidArgument, path.string() + " exists; --force replaces it");
  }
  if (Status s = EnsureDirectory(path.has_parent_path() ? path.parent_path() : ".", 0755); !s.ok()) return s;
  std::vector<unsigned char> key(bytes);
  Status s = RandomBytes(key);
  if (!s.ok()) return s;
  auto tmp = WriteTempBeside(path, std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), 0400);
  if (!tmp.ok()) return tmp.status();
  if (!force && link(tmp->c_str(), path.c_str()) != 0) {
    // link(2) refuses to replace: a key created meanwhile by someone else is not overwritten.
    const int e = errno;
    unlink(tmp->c_str());
    if (e == EEXIST) return Status(StatusCode::kInvalidArgument, path.string() + " exists; --force replaces it");
    return Status::FromErrno("cannot create " + path.string(), e);
  }
  if (!force) {
    unlink(tmp->c_str());
  } else if (rename(tmp->c_str(), path.c_str()) != 0) {
    const int e = errno;
    unlink(tmp->c_str());
    return Status::FromErrno("cannot replace " + path.string(), e);
  }
  return SyncParentDirectory(path);
}

Result<std::string> ReadAuthkey(const std::filesystem::path& path) {
  // O_NONBLOCK: a FIFO named by mistake must not block the start (it is refused below).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    return Status::FromErrno("authkey " + path.string() + (errno == ENOENT ? " is missing ('vigil keygen -k " + path.string() + "' makes one)" : ""),
                             errno);
  }
  struct stat st{};
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    close(fd);
    return Status::FromErrno("cannot stat " + path.string(), e);
  }
  auto refuse = [&](const std::string& what) {
    close(fd);
    return Status(StatusCode::kInvalidArgument, "authkey " + path.string() + " " + what);
  };
  if (!S_ISREG(st.st_mode)) return refuse("is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return refuse(std::string("may be read or written by others (mode ") + mode + "; chmod 0400 it)");
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size < kAuthkeyMinBytes || size > kAuthkeyMaxBytes) {
    return refuse("has " + std::to_string(size) + " bytes; a key has " + std::to_string(kAuthkeyMinBytes) + " to " +
                  std::to_string(kAuthkeyMaxBytes));
  }
  std::string key(size, '\0');
  size_t done = 0;
  while (done < size) {
    const ssize_t n = read(fd, key.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return refuse("could not be read whole");
    done += static_cast<size_t>(n);
  }
  close(fd);
  return key;
}

}  // namespace vigil::config
