#include "engine/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/files.h"
#include "engine/process_registry.h"

extern char** environ;

namespace l4lab::engine {

namespace {

ExitStatus from_wait(int st) {
  ExitStatus s;
  if (WIFEXITED(st)) {
    s.exited = true;
    s.code = WEXITSTATUS(st);
  } else if (WIFSIGNALED(st)) {
    s.signal = WTERMSIG(st);
  }
  return s;
}

void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

}  // namespace

std::string ExitStatus::describe() const {
  if (exited) return "exit code " + std::to_string(code);
  const char* name = sigabbrev_np(signal);
  return "killed by signal " + std::to_string(signal) +
         (name ? std::string(" (SIG") + name + ")" : "");
}

Result<std::string> resolve_executable(const std::string& name) {
  if (name.empty()) return Error("empty argv[0]");
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) return name;
    return Error("not executable: " + name + " (" + std::strerror(errno) + ")");
  }
  const char* path = getenv("PATH");
  std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string cand = dir + "/" + name;
    struct stat st {};
    if (stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(cand.c_str(), X_OK) == 0)
      return cand;
    start = end + 1;
  }
  return Error("executable '" + name + "' not found on PATH (" + p + ")");
}

ChildProcess::~ChildProcess() {
  if (running()) stop_group(2);
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept { *this = std::move(o); }

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (running()) stop_group(2);
    pid_ = o.pid_;
    pgid_ = o.pgid_;
    status_ = o.status_;
    o.pid_ = -1;
    o.pgid_ = -1;
    o.status_.reset();
  }
  return *this;
}

Result<ChildProcess> ChildProcess::spawn(const SpawnOptions& opts) {
  if (opts.argv.empty()) return Error("spawn: empty argv");
  auto exe = resolve_executable(opts.argv[0]);
  if (!exe.ok()) return exe.error();

  // Everything the child needs is prepared before fork: after fork in a
  // multithreaded process only async-signal-safe calls are allowed.
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (!opts.env_add.count(key)) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : opts.env_add) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = opts.argv;
  for (auto& s : argv_copy) argv.push_back(s.data());
  argv.push_back(nullptr);

  const bool inherit = opts.log_path == "-";
  int log_fd = open(opts.log_path.empty() || inherit ? "/dev/null" : opts.log_path.c_str(),
                    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Error("cannot open log " + opts.log_path + ": " + std::strerror(errno));
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(log_fd);
    close(null_fd);
    return Error(std::string("pipe2: ") + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const std::string exe_path = *exe;
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(log_fd);
    close(null_fd);
    close(err_pipe[0]);
    close(err_pipe[1]);
    return Error(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    if (opts.own_group) setpgid(0, 0);
    if (opts.die_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);  // parent already gone
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    dup2(null_fd, 0);
    if (!inherit) {
      dup2(opts.stdout_fd >= 0 ? opts.stdout_fd : log_fd, 1);
      dup2(log_fd, 2);
    }
    execve(exe_path.c_str(), argv.data(), envp.data());
    int e = errno;
    ssize_t w = write(err_pipe[1], &e, sizeof e);
    (void)w;
    _exit(127);
  }
  // Set the group from the parent too, so kill(-pgid) works even before the
  // child has run (the classic setpgid race).
  if (opts.own_group) setpgid(pid, pid);
  close(err_pipe[1]);
  close(log_fd);
  close(null_fd);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(err_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close(err_pipe[0]);
  ChildProcess c;
  c.pid_ = pid;
  c.pgid_ = opts.own_group ? pid : getpgid(0);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int st = 0;
    waitpid(pid, &st, 0);
    c.status_ = from_wait(st);
    c.pid_ = -1;
    return Error("exec " + exe_path + ": " + std::strerror(child_errno));
  }
  if (opts.own_group) register_group(c.pgid_);
  return c;
}

std::optional<ExitStatus> ChildProcess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) status_ = from_wait(st);
  return status_;
}

std::optional<ExitStatus> ChildProcess::wait_for(double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!poll()) {
    if (timeout_s >= 0 && std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    sleep_s(0.02);
  }
  return status_;
}

bool group_alive(pid_t pgid) {
  if (pgid <= 0) return false;
  return kill(-pgid, 0) == 0 || errno == EPERM;
}

ExitStatus ChildProcess::stop_group(double grace_s) {
  if (pid_ <= 0) return status_.value_or(ExitStatus{});
  const bool group = pgid_ == pid_;
  if (group)
    kill(-pgid_, SIGTERM);
  else if (!poll())
    kill(pid_, SIGTERM);
  // The leader may exit while workers in its group linger: wait for both.
  auto all_gone = [&] {
    poll();
    return status_.has_value() && (!group || !group_alive(pgid_));
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
  while (!all_gone() && std::chrono::steady_clock::now() < deadline) sleep_s(0.02);
  if (!all_gone()) {
    if (group)
      kill(-pgid_, SIGKILL);
    else
      kill(pid_, SIGKILL);
    const auto hard = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!all_gone() && std::chrono::steady_clock::now() < hard) sleep_s(0.02);
  }
  if (group) unregister_group(pgid_);
  return status_.value_or(ExitStatus{});
}

Result<Captured> run_capture(const std::vector<std::string>& argv, double timeout_s,
                             const std::map<std::string, std::string>& env_add) {
  char tmpl[] = "/tmp/l4lab-capture-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return Error(std::string("mkstemp: ") + std::strerror(errno));
  close(fd);
  SpawnOptions o;
  o.argv = argv;
  o.env_add = env_add;
  o.log_path = tmpl;
  auto child = ChildProcess::spawn(o);
  if (!child.ok()) {
    unlink(tmpl);
    return child.error();
  }
  Captured cap;
  auto st = child->wait_for(timeout_s);
  if (!st) {
    cap.timed_out = true;
    cap.status = child->stop_group(1);
  } else {
    cap.status = *st;
    child->stop_group(1);  // reap stragglers of the group
  }
  auto text = read_file(tmpl);
  unlink(tmpl);
  if (text.ok()) cap.output = std::move(*text);
  return cap;
}

}  // namespace l4lab::engine
