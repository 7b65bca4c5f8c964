#include "plugins/mysql/server_probe.h"

#include <mysql.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace vigil::mysql {

std::string ReadGreeting(const std::string& socket_path, std::chrono::milliseconds timeout) {
  sockaddr_un at{};
  at.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof at.sun_path) {
    return "socket path [" + socket_path + "] is empty or too long";
  }
  std::memcpy(at.sun_path, socket_path.data(), socket_path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // A Unix stream connect completes at once or fails with EAGAIN when the backlog is full.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
    return "connecting to " + socket_path + ": " + std::strerror(errno);
  }
  // Packet: 3-byte length, 1-byte sequence, then the payload; a handshake starts with 10,
  // an error packet with 0xff, a 2-byte code and (usually) '#' and a 5-byte SQL state.
  unsigned char buf[512];
  size_t have = 0;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (have < 5) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "no greeting on " + socket_path + " within " + std::to_string(timeout.count()) + " ms";
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    const ssize_t n = ::recv(fd, buf + have, sizeof buf - have, 0);
    if (n == 0) return "the server closed " + socket_path + " without a greeting";
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return "reading from " + socket_path + ": " + std::strerror(errno);
    }
    have += static_cast<size_t>(n);
  }
  if (buf[4] == 10) return "";
  if (buf[4] == 0xff) {
    size_t text = 7;
    if (have > 7 && buf[7] == '#') text = 13;
    std::string message;
    const size_t length = buf[0] | (buf[1] << 8) | (buf[2] << 16);
    for (size_t i = text; i < have && i < 4 + length; ++i) message += static_cast<char>(buf[i]);
    return "the server refuses connections: " + message;
  }
  return "unexpected first packet on " + socket_path + " (protocol " + std::to_string(buf[4]) + ")";
}

std::string QueryTable(const std::string& socket_path, const std::string& user,
                       const std::string& password, const std::string& table,
                       std::chrono::milliseconds timeout) {
  // The library's global set-up is not thread-safe: once, before any connection.
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
  MYSQL* m = mysql_init(nullptr);
  if (!m) return "out of memory";
  struct Closer {
    MYSQL* m;
    ~Closer() { mysql_close(m); }
  } closer{m};
  const unsigned seconds = static_cast<unsigned>(std::max<long long>(1, (timeout.count() + 999) / 1000));
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &seconds);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &seconds);
  if (!mysql_real_connect(m, "localhost", user.c_str(), password.c_str(), nullptr, 0,
                          socket_path.c_str(), 0)) {
    return mysql_error(m);
  }
  const std::string query = "SELECT COUNT(*) FROM " + table;
  if (mysql_real_query(m, query.data(), query.size()) != 0) return mysql_error(m);
  MYSQL_RES* res = mysql_store_result(m);
  if (!res) return mysql_errno(m) ? mysql_error(m) : "no result";
  mysql_free_result(res);
  return "";
}

}  // namespace vigil::mysql
