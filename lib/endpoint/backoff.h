// Exponential back-off with jitter between reconnect or retry attempts, shared by every
// adapter: 100ms, 200ms, 400ms ... up to a ceiling, each randomised by ±20%.
#pragma once

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

}  // namespace gsmq
