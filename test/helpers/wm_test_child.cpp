// wm_test_child: a test-only program that plays the difficult children a
// supervisor meets. The first argument picks the act:
//
//   sleep                 wait forever
//   exit CODE [MS]        exit with CODE, after MS milliseconds
//   ignore-term           ignore SIGTERM, then wait forever
//   only-int              exit 0 on SIGINT, ignore SIGTERM
//   report FILE           write SigIgn, SigBlk, open fds, pgid, sid to FILE, wait
//   stamp FILE            append a CLOCK_MONOTONIC ns stamp to FILE, wait
//   stamp-exit FILE CODE  append a stamp, then exit with CODE at once
//   stamp-run START END MS  append a stamp to START, run MS milliseconds,
//                         append a stamp to END and exit 0
//   orphans N MS          fork N grandchildren that all exit together MS later
//   flood                 print numbered lines as fast as it can, forever
//   bg-grandchild CODE    leave a sleeping grandchild holding stdout, exit CODE
//   partial TEXT          print TEXT without a newline and exit 0
//   long-line N           print one line of N 'x' characters and exit 0
//   echo-stdin            copy stdin to stdout, then wait
//   env NAME FILE         write the value of NAME to FILE, wait
//   cwd FILE              write the working directory to FILE, wait
//   soak FILE             for the soak test: append "STAMP PID" to FILE,
//                         append PID to FILE.hup at each SIGHUP, exit N at
//                         SIGRTMIN+N (N < 8); any other signal: its default

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <string>

namespace {

[[noreturn]] void wait_forever() {
  for (;;)
    pause();
}

void write_file(const char* path, const std::string& text, bool append = false) {
  int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0) {
    perror(path);
    exit(100);
  }
  if (write(fd, text.data(), text.size()) < 0)
    exit(100);
  close(fd);
}

std::string status_line(const char* field) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[512];
  std::string found;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, field, strlen(field)) == 0)
      found = line;
  if (f)
    fclose(f);
  return found;
}

std::string open_fds() {
  std::string fds;
  DIR* dir = opendir("/proc/self/fd");
  int self = dir ? dirfd(dir) : -1;
  while (dirent* entry = dir ? readdir(dir) : nullptr) {
    if (entry->d_name[0] == '.' || atoi(entry->d_name) == self)
      continue;
    fds += std::string(fds.empty() ? "" : " ") + entry->d_name;
  }
  if (dir)
    closedir(dir);
  return fds;
}

std::string stamp() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::to_string(static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec) + "\n";
}

void on_int(int) {
  _exit(0);
}

volatile sig_atomic_t g_hups = 0;
volatile sig_atomic_t g_exit_code = -1;

void on_hup(int) {
  g_hups = g_hups + 1;
}

void on_exit_request(int signo) {
  g_exit_code = signo - SIGRTMIN;
}

// The handlers go in before the stamp: once a start is stamped, a SIGHUP
// passed on by wingmate is counted rather than fatal.
[[noreturn]] void soak(const char* file) {
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = on_hup;
  sigaction(SIGHUP, &action, nullptr);
  action.sa_handler = on_exit_request;
  for (int n = 0; n < 8; ++n)
    sigaction(SIGRTMIN + n, &action, nullptr);
  const std::string pid = std::to_string(getpid());
  std::string line = stamp();
  line.insert(line.size() - 1, " " + pid);
  write_file(file, line, true);
  const std::string hup_file = std::string(file) + ".hup";
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  for (int written = 0;;) {
    while (g_hups == written && g_exit_code < 0)
      sigsuspend(&none);
    if (g_exit_code >= 0)
      _exit(g_exit_code);
    for (; written < g_hups; ++written)
      write_file(hup_file.c_str(), pid + "\n", true);
  }
}

int orphans(int count, int delay_ms) {
  int gate[2];
  if (pipe(gate) < 0)
    return 100;
  pid_t middle = fork();
  if (middle == 0) {
    for (int i = 0; i < count; ++i) {
      if (fork() == 0) {
        close(gate[1]);
        char byte;
        while (read(gate[0], &byte, 1) > 0) {
        }
        _exit(0);
      }
    }
    _exit(0); // the grandchildren become orphans
  }
  waitpid(middle, nullptr, 0);
  close(gate[0]);
  usleep(static_cast<useconds_t>(delay_ms) * 1000);
  close(gate[1]); // every grandchild sees EOF and exits at once
  printf("released %d orphans\n", count);
  fflush(stdout);
  wait_forever();
}

} // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string act = argc > 1 ? argv[1] : "sleep";
  auto arg = [&](int i) { return i < argc ? argv[i] : ""; };

  if (act == "sleep")
    wait_forever();
  if (act == "exit") {
    if (argc > 3)
      usleep(static_cast<useconds_t>(atoi(arg(3))) * 1000);
    return atoi(arg(2));
  }
  if (act == "ignore-term") {
    signal(SIGTERM, SIG_IGN);
    printf("ignoring SIGTERM\n");
    wait_forever();
  }
  if (act == "only-int") {
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, on_int);
    printf("waiting for SIGINT\n");
    wait_forever();
  }
  if (act == "report") {
    std::string text = status_line("SigIgn") + status_line("SigBlk") + "fds: " + open_fds()
                       + "\npgid: " + std::to_string(getpgid(0))
                       + "\nsid: " + std::to_string(getsid(0))
                       + "\npid: " + std::to_string(getpid()) + "\n";
    write_file(arg(2), text);
    wait_forever();
  }
  if (act == "stamp") {
    write_file(arg(2), stamp(), true);
    wait_forever();
  }
  if (act == "stamp-exit") {
    write_file(arg(2), stamp(), true);
    return atoi(arg(3));
  }
  if (act == "stamp-run") {
    write_file(arg(2), stamp(), true);
    usleep(static_cast<useconds_t>(atoi(arg(4))) * 1000);
    write_file(arg(3), stamp(), true);
    return 0;
  }
  if (act == "orphans")
    return orphans(atoi(arg(2)), atoi(arg(3)));
  if (act == "flood") {
    for (unsigned long i = 0;; ++i)
      printf("flood line %lu with some padding to make it longer than a few bytes\n", i);
  }
  if (act == "bg-grandchild") {
    if (fork() == 0) {
      setsid();
      sleep(3600);
      _exit(0);
    }
    printf("leaving a grandchild behind\n");
    return atoi(arg(2));
  }
  if (act == "partial") {
    fputs(arg(2), stdout);
    return 0;
  }
  if (act == "long-line") {
    std::string line(static_cast<std::size_t>(atol(arg(2))), 'x');
    printf("%s\n", line.c_str());
    return 0;
  }
  if (act == "echo-stdin") {
    char buffer[4096];
    ssize_t n;
    while ((n = read(0, buffer, sizeof buffer)) > 0)
      if (write(1, buffer, static_cast<size_t>(n)) < 0)
        break;
    wait_forever();
  }
  if (act == "env") {
    const char* value = getenv(arg(2));
    write_file(arg(3), value ? value : "<unset>");
    wait_forever();
  }
  if (act == "soak")
    soak(arg(2));
  if (act == "cwd") {
    char dir[4096];
    write_file(arg(2), getcwd(dir, sizeof dir) ? dir : "<error>");
    wait_forever();
  }
  fprintf(stderr, "wm_test_child: unknown act %s\n", act.c_str());
  return 100;
}
