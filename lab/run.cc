#include "lab/run.h"

#include <signal.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/search_path.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

namespace vigil::lab {
namespace {

namespace bp = boost::process;

std::filesystem::path Executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  return bp::search_path(name).string();
}

int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// In the child, before exec: every descriptor but the standard ones closes at exec. Another
// thread of the lab (the BMCs' power control starts vigild) may have a pipe open at the moment of
// the fork; a child that kept its end would keep that pipe's reader from ever seeing its end.
void CloseOthersAtExec() { ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC); }

}  // namespace

RunResult Run(const std::vector<std::string>& argv, const std::string& input) {
  RunResult r;
  if (argv.empty()) return r;
  const std::filesystem::path exe = Executable(argv[0]);
  if (exe.empty()) {
    r.out = argv[0] + ": not found";
    return r;
  }
  try {
    bp::ipstream out;
    bp::opstream in;
    bp::child child(bp::exe = exe.string(), bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                    (bp::std_out & bp::std_err) > out, bp::std_in < in,
                    bp::extend::on_exec_setup = [](auto&) { CloseOthersAtExec(); });
    in << input;
    in.flush();
    in.pipe().close();
    r.out.assign(std::istreambuf_iterator<char>(out), std::istreambuf_iterator<char>());
    child.wait();
    r.code = ExitCode(child.native_exit_code());
  } catch (const std::exception& e) {
    r.code = -1;
    r.out = argv[0] + ": " + e.what();
  }
  return r;
}

std::string ReadText(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Status WriteText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status(StatusCode::kIoError, "cannot write " + file.string());
  return Status::Ok();
}

std::filesystem::path FindProgram(const std::string& name) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto dir = self.parent_path();
    for (const auto& candidate : {dir / name, dir.parent_path() / "sbin" / name, dir.parent_path() / "bin" / name}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return bp::search_path(name).string();
}

Result<std::unique_ptr<Daemon>> Daemon::Start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  if (argv.empty()) return Status(StatusCode::kInvalidArgument, "no program to start");
  const std::filesystem::path exe = Executable(argv[0]);
  if (exe.empty()) return Status(StatusCode::kNotFound, argv[0] + ": not found");
  FILE* out = std::fopen(log.c_str(), "a");
  if (out == nullptr) return Status::FromErrno("cannot open " + log.string(), errno);
  pid_t pid = -1;
  try {
    bp::child child(bp::exe = exe.string(), bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                    bp::std_out > out, bp::std_err > out, bp::std_in < bp::null,
                    // A session of its own: no terminal signals, and not in our process group.
                    bp::extend::on_exec_setup = [](auto&) {
                      ::setsid();
                      CloseOthersAtExec();
                    });
    pid = child.id();
    child.detach();  // reaped by this object, with waitpid
  } catch (const std::exception& e) {
    std::fclose(out);
    return Status(StatusCode::kIoError, argv[0] + ": " + e.what());
  }
  std::fclose(out);
  return std::unique_ptr<Daemon>(new Daemon(pid));
}

Daemon::~Daemon() { Kill(SIGKILL); }

bool Daemon::Running() {
  if (reaped_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void Daemon::Kill(int signal) {
  if (!Running()) return;
  ::kill(pid_, signal);
  if (signal == SIGKILL) Reap();
}

bool Daemon::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return true;
  ::kill(pid_, SIGTERM);
  const auto end = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < end) {
    if (!Running()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill(SIGKILL);
  return false;
}

void Daemon::Reap() {
  int status = 0;
  while (!reaped_) {
    const pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_ || (r < 0 && errno != EINTR)) reaped_ = true;
  }
}

}  // namespace vigil::lab
