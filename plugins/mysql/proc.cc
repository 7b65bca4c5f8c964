#include "plugins/mysql/proc.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::mysql {

std::optional<ProcInfo> ReadProc(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ')'.
  const size_t open = line.find('(');
  const size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcInfo info;
  info.pid = pid;
  info.comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  rest >> info.state >> info.ppid;
  // Fields 5 to 21, then starttime (field 22).
  for (int i = 5; i <= 21 && rest >> field; ++i) {
  }
  rest >> info.start;
  return info;
}

namespace {

std::vector<std::string> Arguments(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

}  // namespace

bool HasArgument(pid_t pid, const std::string& arg) {
  for (const auto& a : Arguments(pid)) {
    if (a == arg) return true;
  }
  return false;
}

namespace {

// The mount namespace a process lives in ("mnt:[4026531841]"), or "" when it cannot be read.
std::string MountNamespace(const std::string& pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + pid + "/ns/mnt", ec).string();
}

}  // namespace

std::vector<ProcInfo> FindByArgument(const std::string& arg) {
  std::vector<ProcInfo> found;
  const std::string ours = MountNamespace("self");
  DIR* proc = ::opendir("/proc");
  if (!proc) return found;
  while (dirent* e = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == ::getpid()) continue;
    if (!HasArgument(static_cast<pid_t>(pid), arg)) continue;
    // In another mount namespace (another node's disk, when nodes share a machine's processes,
    // as in containers or `vigil demo`), the same path names another file: another instance.
    if (MountNamespace(e->d_name) != ours) continue;
    auto info = ReadProc(static_cast<pid_t>(pid));
    if (info && info->state != 'Z' && info->state != 'X') found.push_back(*info);
  }
  ::closedir(proc);
  return found;
}

bool Alive(pid_t pid) {
  auto p = ReadProc(pid);
  return p && p->state != 'Z' && p->state != 'X';
}

std::optional<pid_t> ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  long value = 0;
  if (!in || !(in >> value) || value <= 0 || value > 0x7fffffff) return std::nullopt;
  return static_cast<pid_t>(value);
}

std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > 8192 ? size - 8192 : 0;
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  size_t cut = text.size();
  for (int i = 0; i < lines && cut != std::string::npos && cut > 0; ++i) cut = text.rfind('\n', cut - 1);
  std::string tail = cut == std::string::npos ? text : text.substr(cut + 1);
  for (char& c : tail) {
    if (c == '\n') c = '|';
  }
  return tail;
}

}  // namespace vigil::mysql
