#include "lab/bmc.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>

#include "lab/run.h"

namespace vigil::lab {
namespace {

Result<sockaddr_un> Address(const std::filesystem::path& socket) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (socket.native().size() >= sizeof a.sun_path) {
    return Status(StatusCode::kInvalidArgument, "socket path too long: " + socket.string());
  }
  std::strncpy(a.sun_path, socket.c_str(), sizeof a.sun_path - 1);
  return a;
}

// One line from `fd`, waiting at most `ms` for it.
std::string ReadLine(int fd, int ms) {
  std::string line;
  char c = 0;
  while (line.size() < 256) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) != 1 || ::read(fd, &c, 1) != 1 || c == '\n') break;
    line += c;
  }
  return line;
}

void WriteAll(int fd, const std::string& text) {
  size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n <= 0) return;
    at += static_cast<size_t>(n);
  }
}

}  // namespace

PowerPanel::PowerPanel(std::filesystem::path socket, std::vector<Switch> nodes)
    : socket_(std::move(socket)), nodes_(std::move(nodes)), powered_(nodes_.size(), true), offs_(nodes_.size(), 0) {}

Result<std::unique_ptr<PowerPanel>> PowerPanel::Start(std::filesystem::path socket, std::vector<Switch> nodes) {
  std::unique_ptr<PowerPanel> panel(new PowerPanel(std::move(socket), std::move(nodes)));
  auto address = Address(panel->socket_);
  if (!address.ok()) return address.status();
  std::error_code ec;
  std::filesystem::remove(panel->socket_, ec);
  panel->listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (panel->listen_fd_ < 0) return Status::FromErrno("socket", errno);
  if (::bind(panel->listen_fd_, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0 ||
      ::listen(panel->listen_fd_, 16) != 0) {
    return Status::FromErrno("cannot listen on " + panel->socket_.string(), errno);
  }
  if (::pipe2(panel->wake_, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  panel->thread_ = std::thread([p = panel.get()] { p->Serve(); });
  return panel;
}

PowerPanel::~PowerPanel() {
  if (thread_.joinable()) {
    WriteAll(wake_[1], "x");
    thread_.join();
  }
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) ::close(fd);
  }
  std::error_code ec;
  std::filesystem::remove(socket_, ec);
}

bool PowerPanel::powered(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return node >= 1 && node <= static_cast<int>(powered_.size()) && powered_[node - 1];
}

int PowerPanel::power_offs(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return node >= 1 && node <= static_cast<int>(offs_.size()) ? offs_[node - 1] : 0;
}

void PowerPanel::Serve() {
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[1].revents != 0) return;
    if ((p[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    WriteAll(fd, Answer(ReadLine(fd, 2000)) + "\n");
    ::close(fd);
  }
}

std::string PowerPanel::Answer(const std::string& request) {
  std::istringstream in(request);
  std::string verb;
  int node = 0;
  int value = -1;
  in >> verb >> node;
  if (verb == "set") in >> value;
  if (node < 1 || node > static_cast<int>(nodes_.size())) return "error: no node " + std::to_string(node);
  if (verb == "get") return std::string("power:") + (powered(node) ? "1" : "0");
  if (verb != "set" || (value != 0 && value != 1)) return "error: not get N or set N 0|1: " + request;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (powered_[node - 1] == (value == 1)) return "ok";
    powered_[node - 1] = value == 1;
    if (value == 0) ++offs_[node - 1];
  }
  // Outside the lock: `get` keeps answering while a node goes down or comes up.
  if (value == 0) {
    nodes_[node - 1].off();
  } else {
    nodes_[node - 1].on();
  }
  return "ok";
}

Result<std::vector<std::string>> PrepareBmc(const std::filesystem::path& dir, int node, const std::string& address,
                                            const std::filesystem::path& vigil, const std::filesystem::path& socket) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "state", ec);
  if (ec) return Status(StatusCode::kIoError, "cannot make " + (dir / "state").string() + ": " + ec.message());
  char guid[40];
  std::snprintf(guid, sizeof guid, "0000000000000000000000000000%04x", node & 0xffff);
  const std::string auths = " none md2 md5 straight\n";
  const std::string conf = "name \"node" + std::to_string(node) + "-bmc\"\n"
                           "set_working_mc 0x20\n"
                           "  startlan 1\n"
                           "    addr " + address + " 623\n"
                           "    priv_limit admin\n"
                           "    allowed_auths_callback" + auths +
                           "    allowed_auths_user" + auths +
                           "    allowed_auths_operator" + auths +
                           "    allowed_auths_admin" + auths +
                           "    guid " + guid + "\n"
                           "  endlan\n"
                           "  chassis_control \"" + vigil.string() + " lab-power " + socket.string() + " " +
                           std::to_string(node) + "\"\n"
                           "  user 2 true \"" + kBmcUser + "\" \"" + kBmcPassword + "\" admin 10" + auths;
  // The emulator's commands: one management controller, the BMC, enabled (its LAN channel opens
  // then).
  const std::string emu = "mc_setbmc 0x20\n"
                          "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\n"
                          "sel_enable 0x20 1000 0x0a\n"
                          "mc_enable 0x20\n";
  if (Status s = WriteText(dir / "lan.conf", conf); !s.ok()) return s;
  if (Status s = WriteText(dir / "bmc.emu", emu); !s.ok()) return s;
  return std::vector<std::string>{"ipmi_sim", "-c", (dir / "lan.conf").string(), "-f", (dir / "bmc.emu").string(),
                                  "-s", (dir / "state").string(), "-n"};
}

int LabPowerCommand(const std::vector<std::string>& args) {
  // ipmi_sim appends `get power` or `set power "VALUE"` (the shell removes the quotes).
  const bool get = args.size() == 4 && args[2] == "get" && args[3] == "power";
  const bool set = args.size() == 5 && args[2] == "set" && args[3] == "power";
  const bool help = args.size() == 1 && (args[0] == "-h" || args[0] == "--help");
  if (!get && !set) {
    std::fprintf(help ? stdout : stderr,
                 "usage: vigil lab-power SOCKET NODE get power | set power 0|1\n"
                 "  the chassis control of a lab node's simulated BMC (ipmi_sim runs it)\n");
    return help ? 0 : 2;
  }
  auto address = Address(args[0]);
  if (!address.ok()) {
    std::fprintf(stderr, "vigil lab-power: %s\n", address.status().message().c_str());
    return 1;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) {
    std::fprintf(stderr, "vigil lab-power: cannot reach the lab at %s: %s\n", args[0].c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return 1;
  }
  WriteAll(fd, (get ? "get " + args[1] : "set " + args[1] + " " + args[4]) + "\n");
  // Switching a node off or on takes a few seconds at most.
  const std::string answer = ReadLine(fd, 30000);
  ::close(fd);
  if (answer.rfind("error", 0) == 0 || answer.empty()) {
    std::fprintf(stderr, "vigil lab-power: %s\n", answer.empty() ? "no answer from the lab" : answer.c_str());
    return 1;
  }
  if (get) std::printf("%s\n", answer.c_str());
  return 0;
}

}  // namespace vigil::lab
