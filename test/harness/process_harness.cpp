#include "harness/process_harness.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace wm::test {

namespace fs = std::filesystem;

std::string build_path(const std::string& relative) {
  return std::string(WM_BUILD_DIR) + "/" + relative;
}

std::string wingmate_bin() {
  return build_path("main/wingmate");
}

std::string helper_bin(const std::string& name) {
  return build_path("test/" + name);
}

bool wait_until(const std::function<bool()>& condition, milliseconds timeout,
                milliseconds interval) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(interval);
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// -- temp_dir -----------------------------------------------------------------

temp_dir::temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "wm-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  ::chmod(path_.c_str(), 0755); // services run as other users must reach it
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path temp_dir::write(const std::string& relative, const std::string& content,
                         unsigned mode) const {
  fs::path target = path_ / relative;
  fs::create_directories(target.parent_path());
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out << content;
  }
  ::chmod(target.c_str(), mode);
  return target;
}

fs::path temp_dir::script(const std::string& relative, const std::string& body) const {
  return write(relative, "#!/bin/sh\n" + body + "\n", 0755);
}

// -- child_process ------------------------------------------------------------

child_process::child_process(std::vector<std::string> argv, start_options options) {
  out_path_ = files_ / "stdout";
  err_path_ = files_ / "stderr";
  fs::path in_path = "/dev/null";
  if (options.input)
    in_path = files_.write("stdin", *options.input);

  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);

  int pipe_fds[2] = {-1, -1};
  if (options.pipe_stdout_to) {
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0)
      throw std::runtime_error("pipe failed");
    if (!options.pipe_stdout_to->empty()) {
      reader_pid_ = ::fork();
      if (reader_pid_ < 0)
        throw std::runtime_error("fork failed");
      if (reader_pid_ == 0) {
        int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(pipe_fds[0], 0);
        ::dup2(out, 1);
        ::execl("/bin/sh", "sh", "-c", options.pipe_stdout_to->c_str(), nullptr);
        ::_exit(127);
      }
    }
    ::close(pipe_fds[0]); // the reader's, or nobody's
  }

  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    // With a pipe, the reader writes the stdout file.
    int out = pipe_fds[1] >= 0 ? pipe_fds[1]
                               : ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(pipe_fds[1] >= 0 && options.pipe_stderr_too ? pipe_fds[1] : err, 2);
    if (options.close_stdout)
      ::close(1);
    if (options.close_stderr)
      ::close(2);
    for (auto& [key, value] : options.env)
      ::setenv(key.c_str(), value.c_str(), 1);
    for (int signo : options.ignored_signals)
      ::signal(signo, SIG_IGN);
    sigset_t blocked;
    sigemptyset(&blocked);
    for (int signo : options.blocked_signals)
      sigaddset(&blocked, signo);
    ::sigprocmask(SIG_SETMASK, &blocked, nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  if (pipe_fds[1] >= 0)
    ::close(pipe_fds[1]);
}

child_process::~child_process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait_exit(5s);
  }
  if (reader_pid_ > 0) {
    ::kill(reader_pid_, SIGKILL);
    ::waitpid(reader_pid_, nullptr, 0);
  }
}

std::string child_process::out() const {
  return read_file(out_path_);
}

std::string child_process::err() const {
  return read_file(err_path_);
}

std::string child_process::all_output() const {
  return out() + err();
}

bool child_process::wait_for_output(const std::string& needle, milliseconds timeout) const {
  return wait_until([&] { return all_output().find(needle) != std::string::npos; }, timeout);
}

std::size_t child_process::count_output(const std::string& needle) const {
  std::string text = all_output();
  std::size_t count = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++count;
  return count;
}

std::optional<int> child_process::wait_exit(milliseconds timeout) {
  if (exit_code_)
    return exit_code_;
  wait_until(
    [&] {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_)
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_.has_value() || r < 0;
    },
    timeout, 5ms);
  return exit_code_;
}

bool child_process::running() {
  return !wait_exit(0ms).has_value() && ::kill(pid_, 0) == 0;
}

void child_process::signal(int signo) const {
  ::kill(pid_, signo);
}

// -- namespaced_wingmate ------------------------------------------------------

namespace {

std::vector<std::string> unshare_args(std::vector<std::string> args) {
  std::vector<std::string> argv{"unshare", "--kill-child", "-p", "-f", "--mount-proc",
                                wingmate_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string link_target(const std::string& path) {
  char buffer[512];
  ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

pid_t first_child(pid_t parent) {
  std::string children =
    read_file("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  return static_cast<pid_t>(std::atoi(children.c_str()));
}

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  if (DIR* dir = ::opendir("/proc")) {
    while (dirent* entry = ::readdir(dir)) {
      pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
      if (pid > 0)
        pids.push_back(pid);
    }
    ::closedir(dir);
  }
  return pids;
}

} // namespace

namespaced_wingmate::namespaced_wingmate(std::vector<std::string> args, start_options options)
  : status_file_(options.env.contains("WINGMATE_STATUS_FILE")
                   ? fs::path(options.env.at("WINGMATE_STATUS_FILE"))
                   : status_dir_ / "status.json"),
    unshare_(unshare_args(std::move(args)), with_status_file(std::move(options))) {
  const std::string exe = fs::canonical(wingmate_bin()).string();
  wait_until(
    [&] {
      pid_t child = first_child(unshare_.pid());
      if (child > 0 && link_target("/proc/" + std::to_string(child) + "/exe") == exe) {
        wingmate_pid_ = child;
        return true;
      }
      return !unshare_.running();
    },
    10s, 2ms);
  if (wingmate_pid_ > 0)
    ns_id_ = link_target("/proc/" + std::to_string(wingmate_pid_) + "/ns/pid");
}

namespaced_wingmate::~namespaced_wingmate() {
  // Killing PID 1 of the namespace ends every process in it.
  if (wingmate_pid_ > 0 && unshare_.running())
    ::kill(wingmate_pid_, SIGKILL);
  unshare_.wait_exit(10s);
}

start_options namespaced_wingmate::with_status_file(start_options options) const {
  options.env.try_emplace("WINGMATE_STATUS_FILE", status_file_.string());
  return options;
}

std::unique_ptr<child_process> namespaced_wingmate::run_inside(std::vector<std::string> argv,
                                                               start_options options) const {
  std::vector<std::string> entered{"nsenter", "-t", std::to_string(wingmate_pid_), "-p", "-m",
                                   "--"};
  entered.insert(entered.end(), argv.begin(), argv.end());
  return std::make_unique<child_process>(std::move(entered),
                                         with_status_file(std::move(options)));
}

void namespaced_wingmate::signal(int signo) const {
  if (wingmate_pid_ > 0)
    ::kill(wingmate_pid_, signo);
}

std::vector<ns_process> namespaced_wingmate::processes() const {
  std::vector<ns_process> found;
  if (ns_id_.empty())
    return found;
  std::map<pid_t, pid_t> host_to_ns;
  std::map<pid_t, pid_t> host_parent;
  for (pid_t pid : all_pids()) {
    const std::string dir = "/proc/" + std::to_string(pid);
    if (pid == wingmate_pid_ || link_target(dir + "/ns/pid") != ns_id_)
      continue;
    std::string stat = read_file(dir + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos)
      continue;
    ns_process p;
    p.host_pid = pid;
    p.name = stat.substr(stat.find('(') + 1, close - stat.find('(') - 1);
    p.state = stat[close + 2];
    host_parent[pid] = std::atoi(stat.c_str() + close + 4);
    std::string nspid = status_field(pid, "NSpid");
    p.ns_pid = static_cast<pid_t>(std::atoi(nspid.substr(nspid.find_last_of(" \t") + 1).c_str()));
    std::string cmdline = read_file(dir + "/cmdline");
    for (char& c : cmdline)
      if (c == '\0')
        c = ' ';
    p.cmdline = cmdline;
    host_to_ns[pid] = p.ns_pid;
    found.push_back(p);
  }
  host_to_ns[wingmate_pid_] = 1;
  for (auto& p : found) {
    auto it = host_to_ns.find(host_parent[p.host_pid]);
    p.ns_ppid = it == host_to_ns.end() ? 0 : it->second;
  }
  return found;
}

std::vector<ns_process> namespaced_wingmate::find(const std::string& needle) const {
  std::vector<ns_process> matching;
  for (auto& p : processes())
    if (p.cmdline.find(needle) != std::string::npos && p.state != 'Z')
      matching.push_back(p);
  return matching;
}

std::size_t namespaced_wingmate::zombies() const {
  std::size_t count = 0;
  for (auto& p : processes())
    count += p.state == 'Z' ? 1 : 0;
  return count;
}

std::string status_field(pid_t host_pid, const std::string& field) {
  std::istringstream in(read_file("/proc/" + std::to_string(host_pid) + "/status"));
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(field + ":")) {
      auto value = line.substr(field.size() + 1);
      auto begin = value.find_first_not_of(" \t");
      return begin == std::string::npos ? "" : value.substr(begin);
    }
  return {};
}

std::vector<int> open_fds(pid_t host_pid) {
  std::vector<int> fds;
  if (DIR* dir = ::opendir(("/proc/" + std::to_string(host_pid) + "/fd").c_str())) {
    while (dirent* entry = ::readdir(dir))
      if (entry->d_name[0] != '.')
        fds.push_back(std::atoi(entry->d_name));
    ::closedir(dir);
  }
  std::sort(fds.begin(), fds.end());
  return fds;
}

namespace {

// The pids whose parent is this process, from /proc/PID/stat.
std::vector<pid_t> own_children() {
  std::vector<pid_t> found;
  const pid_t self = ::getpid();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const std::string stat = read_file(entry.path() / "stat");
    const auto name_end = stat.rfind(')');
    if (name_end == std::string::npos)
      continue;
    std::istringstream fields(stat.substr(name_end + 1));
    char state = '?';
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent == self)
      found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

} // namespace

orphan_guard::orphan_guard() {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

orphan_guard::~orphan_guard() {
  // A killed child's own children come to this process next: repeat until
  // none is left (bounded, so that a test never hangs here).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (auto left = own_children(); !left.empty() && std::chrono::steady_clock::now() < give_up;
       left = own_children()) {
    for (pid_t pid : left)
      ::kill(pid, SIGKILL);
    for (pid_t pid : left)
      ::waitpid(pid, nullptr, 0);
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

} // namespace wm::test
