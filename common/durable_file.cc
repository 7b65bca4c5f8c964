#include "common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace vigil {
namespace {

std::filesystem::path ParentOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

Status EnsureDirectory(const std::filesystem::path& dir, mode_t mode) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(StatusCode::kIoError, "cannot create " + dir.string() + ": " + ec.message());
  if (chmod(dir.c_str(), mode) != 0) return Status::FromErrno("cannot chmod " + dir.string(), errno);
  return Status::Ok();
}

Result<std::string> WriteTempBeside(const std::filesystem::path& path, std::string_view data, mode_t mode) {
  const std::filesystem::path dir = ParentOf(path);
  std::string tmp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkostemp(tmp.data(), O_CLOEXEC);  // 0600 until it is whole
  if (fd < 0) return Status::FromErrno("cannot create a temporary file in " + dir.string(), errno);
  auto fail = [&](const std::string& what, int e) {
    close(fd);
    unlink(tmp.c_str());
    return Status::FromErrno(what + " " + tmp, e);
  };
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", errno);
    done += static_cast<size_t>(n);
  }
  if (fchmod(fd, mode) != 0) return fail("cannot chmod", errno);
  if (fsync(fd) != 0) return fail("cannot sync", errno);
  if (close(fd) != 0) {
    const int e = errno;
    unlink(tmp.c_str());
    return Status::FromErrno("cannot close " + tmp, e);
  }
  return tmp;
}

Status SyncParentDirectory(const std::filesystem::path& path) {
  const std::filesystem::path dir = ParentOf(path);
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("cannot open " + dir.string(), errno);
  const int rc = fsync(fd);
  const int e = errno;
  close(fd);
  if (rc != 0) return Status::FromErrno("cannot sync " + dir.string(), e);
  return Status::Ok();
}

}  // namespace vigil
