#include "endpoint/coap/loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include "util/program_name.h"

namespace gsmq::endpoint::coap {
namespace {

thread_local Loop* t_loop = nullptr;

void log_handler(coap_log_t level, const char* message) {
  std::string text(message ? message : "");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (t_loop) t_loop->on_log(static_cast<int>(level), text);
  else if (level <= LOG_WARNING) std::fprintf(stderr, "%s: libcoap: %s\n", program_name().c_str(), text.c_str());
}

void start_libcoap_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_handler(log_handler);
    coap_set_log_level(LOG_WARNING);
    coap_dtls_set_log_level(LOG_WARNING);
  });
}

constexpr int kMaxPollMs = 100;     // also picks up libcoap timers should its epoll timer lag
constexpr int kReportedMalformed = 10;  // warn for the first few, then count quietly

}  // namespace

Loop::Loop(Diagnostics* diagnostics) : diagnostics_(diagnostics) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  thread_ = std::thread([this] { run(); });
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return started_; });
  if (!context_) {
    lock.unlock();
    thread_.join();
    ::close(wake_fd_);
    throw std::runtime_error("libcoap: cannot create a CoAP context");
  }
}

Loop::~Loop() {
  stopping_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
  ::close(wake_fd_);
}

void Loop::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake();
}

void Loop::post_at(Clock::time_point when, Task task) {
  {
    std::lock_guard lock(mutex_);
    timers_.emplace(when, std::move(task));
  }
  wake();
}

bool Loop::wait_until(const std::function<bool(coap_context_t*)>& done, Clock::time_point deadline) {
  for (;;) {
    if (call([&](coap_context_t* ctx) { return done(ctx); })) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string Loop::take_icmp_error() {
  std::lock_guard lock(mutex_);
  return std::exchange(icmp_error_, {});
}

void Loop::on_log(int level, const std::string& text) {
  if (text.find("discard malformed PDU") != std::string::npos || text.find("coap_pdu_parse") != std::string::npos) {
    const auto n = ++malformed_;
    if (n <= kReportedMalformed && diagnostics_)
      diagnostics_->warn("coap: discarded a malformed CoAP packet (" + std::to_string(n) + " so far" +
                         (n == kReportedMalformed ? "; further ones are only counted)" : ")"));
    return;
  }
  if (const auto at = text.find("ICMP: "); at != std::string::npos) {
    std::lock_guard lock(mutex_);
    icmp_error_ = text.substr(at + 6);
    return;  // the adapters say what it means for them
  }
  // Reported by the adapters in their own words (RST answers a ping; a large body is
  // copied for an async response without its payload, which libcoap notes in passing).
  if (text.starts_with("got RST for mid") || text.find("coap_pdu_resize: pdu too big") != std::string::npos) return;
  if (level <= LOG_WARNING) {
    if (diagnostics_) diagnostics_->warn("libcoap: " + text);
    else std::fprintf(stderr, "%s: libcoap: %s\n", program_name().c_str(), text.c_str());
  }
}

void Loop::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

void Loop::run_due_tasks() {
  std::deque<Task> due;
  {
    std::lock_guard lock(mutex_);
    due.swap(tasks_);
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      due.push_back(std::move(timers_.begin()->second));
      timers_.erase(timers_.begin());
    }
  }
  for (auto& task : due) {
    try {
      task(context_);
    } catch (const std::exception& e) {
      if (diagnostics_) diagnostics_->warn(std::string("coap: ") + e.what());
    }
  }
}

void Loop::run() {
  t_loop = this;
  start_libcoap_once();
  {
    std::lock_guard lock(mutex_);
    context_ = coap_new_context(nullptr);
    if (context_) coap_context_set_block_mode(context_, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    started_ = true;
  }
  ready_.notify_all();
  if (!context_) return;
  const int coap_fd = coap_context_get_coap_fd(context_);
  while (!stopping_) {
    run_due_tasks();
    coap_io_process(context_, COAP_IO_NO_WAIT);
    int timeout_ms = kMaxPollMs;
    {
      std::lock_guard lock(mutex_);
      if (!tasks_.empty()) timeout_ms = 0;
      else if (!timers_.empty()) {
        const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(timers_.begin()->first - Clock::now()).count();
        timeout_ms = static_cast<int>(std::clamp<int64_t>(until, 0, kMaxPollMs));
      }
    }
    if (coap_fd >= 0) {
      pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {coap_fd, POLLIN, 0}};
      ::poll(fds, 2, timeout_ms);
    } else {
      // libcoap without epoll: let it wait itself, briefly, so posted work is not late.
      coap_io_process(context_, static_cast<uint32_t>(std::min(timeout_ms, 10)));
    }
    uint64_t drained = 0;
    [[maybe_unused]] const auto n = ::read(wake_fd_, &drained, sizeof drained);
  }
  // Work posted while stopping still runs (it may release memory or answer a caller).
  run_due_tasks();
  coap_free_context(context_);
  context_ = nullptr;
  t_loop = nullptr;
}

}  // namespace gsmq::endpoint::coap
