#include "endpoint/reconnect.h"

#include <thread>

#include "endpoint/backoff.h"
#include "endpoint/params.h"
#include "util/signals.h"

namespace gsmq::endpoint {

RetryPolicy RetryPolicy::from(const Params& params) {
  RetryPolicy p;
  p.forever = params.flag("retry");
  p.retry_for = params.duration("retry_for");
  return p;
}

bool sleep_unless_stopped(Duration d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (stop_requested()) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
  }
  return stop_requested();
}

std::optional<std::string> reconnect(const RetryPolicy& policy, Clock::time_point since, const ReconnectSteps& steps) {
  Backoff backoff;
  std::string why = "not tried";
  for (uint64_t n = 1;; ++n) {
    const auto failure = steps.attempt();
    if (!failure) return std::nullopt;
    why = *failure;
    if (steps.failed) steps.failed(n, why);
    if (!policy.keeps_trying(since)) return why;
    const Duration pause = backoff.next();
    if (steps.wait ? steps.wait(pause) : sleep_unless_stopped(pause)) return why + " (interrupted)";
  }
}

std::optional<std::string> connect_first(bool forever, const std::function<std::optional<std::string>()>& attempt,
                                         const std::function<bool()>& refused,
                                         const std::function<void(const std::string&)>& warn) {
  ReconnectSteps steps;
  steps.attempt = attempt;
  steps.wait = [&](Duration d) { return refused() || sleep_unless_stopped(d); };
  steps.failed = [&](uint64_t n, const std::string& why) {
    if (forever && !refused() && (n & (n - 1)) == 0)
      warn("cannot connect: " + why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  return reconnect(RetryPolicy{forever, Duration(0)}, Clock::now(), steps);
}

}  // namespace gsmq::endpoint
