// The connection lifecycle every connecting adapter shares (gsmq(7) "Connecting and
// retrying"): how long to keep trying (?retry, ?retry_for) and the loop that tries, backs
// off with jitter between tries, and gives up when the policy says so or on a stop.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "util/duration.h"

namespace gsmq::endpoint {

class Params;

struct RetryPolicy {
  bool forever = false;                            // ?retry
  Duration retry_for = std::chrono::seconds(30);  // ?retry_for: after a loss

  // From the shared parameters retry and retry_for (those the adapter declares).
  static RetryPolicy from(const Params& params);
  // Whether a loss that began at `since` is still worth reconnecting for at `now`.
  bool keeps_trying(Clock::time_point since, Clock::time_point now = Clock::now()) const {
    return forever || now - since < retry_for;
  }
};

struct ReconnectSteps {
  // One try: nullopt when connected, else why not.
  std::function<std::optional<std::string>()> attempt;
  // Waits up to `d` between tries; true when it was interrupted (the adapter is closing).
  // Default: sleeps in short slices, interrupted by a stop request (signal).
  std::function<bool(Duration d)> wait;
  // Hears a failed try (n counts from 1), to report the first and then every 2^k-th.
  std::function<void(uint64_t n, const std::string& why)> failed;
};

// Sleeps `d` in short slices; true (early) once a stop was requested (a signal).
bool sleep_unless_stopped(Duration d);

// Tries until connected (returns nullopt), or until the policy gives up on a loss that
// began at `since`, a stop was requested, or the wait was interrupted: returns why.
std::optional<std::string> reconnect(const RetryPolicy& policy, Clock::time_point since, const ReconnectSteps& steps);

// The first connection of an adapter: one try, or with `forever` (?retry) tries until one
// works, a stop is requested, or `refused()` says the last try was refused (final: the
// same credentials will not do). `warn` hears the first failed try and every 2^k-th
// while waiting. nullopt when connected, else why not.
std::optional<std::string> connect_first(bool forever, const std::function<std::optional<std::string>()>& attempt,
                                         const std::function<bool()>& refused,
                                         const std::function<void(const std::string&)>& warn);

}  // namespace gsmq::endpoint
