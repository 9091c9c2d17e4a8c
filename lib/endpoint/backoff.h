// Exponential back-off with jitter between reconnect or retry attempts, shared by every
// adapter: 100ms, 200ms, 400ms ... up to a ceiling, each randomised by ±20%.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

#include "util/duration.h"

namespace gsmq {

class Backoff {
 public:
  explicit Backoff(Duration initial = std::chrono::milliseconds(100), Duration ceiling = std::chrono::seconds(10))
      : initial_(initial), ceiling_(ceiling), current_(initial) {}

  // The wait before the next attempt; each call doubles the following one.
  Duration next() {
    const Duration base = current_;
    current_ = std::min(ceiling_, current_ * 2);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return Duration(static_cast<int64_t>(static_cast<double>(base.count()) * jitter(rng_)));
  }
  void reset() { current_ = initial_; }

 private:
  Duration initial_, ceiling_, current_;
  std::mt19937_64 rng_{std::random_device{}()};
};

// How long a message its sink refused waits before it is handed out (or requeued) again:
// 100 ms, doubling with each refusal of the same message, up to 10 s; so that a sink that
// keeps refusing does not spin the peer.
inline Duration refusal_backoff(uint32_t refusals) {
  const int shift = static_cast<int>(std::min<uint32_t>(refusals, 7));
  return std::min<Duration>(std::chrono::milliseconds(100) * (1 << shift), std::chrono::seconds(10));
}

}  // namespace gsmq
