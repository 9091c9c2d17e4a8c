#include "util/signals.h"

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace gsmq {
namespace {
std::atomic<int> g_signals{0};
int g_pipe[2] = {-1, -1};

void ensure_pipe() {
  if (g_pipe[0] >= 0) return;
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
}

void on_signal(int sig) {
  if (g_signals.fetch_add(1) >= 1) _exit(128 + sig);  // second signal: at once
  if (g_pipe[1] >= 0) {
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &c, 1);
  }
}
}  // namespace

void install_signal_handlers() {
  ensure_pipe();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_signals.load() > 0; }

void request_stop() {
  ensure_pipe();
  if (g_signals.fetch_add(1) == 0 && g_pipe[1] >= 0) {
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &c, 1);
  }
}

int stop_fd() {
  ensure_pipe();
  return g_pipe[0];
}

}  // namespace gsmq
