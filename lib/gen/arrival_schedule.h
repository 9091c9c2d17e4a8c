// When an open-loop producer should send its next message: at a constant rate or as a
// Poisson process, independent of how fast the system answers. Latency is measured from
// these intended times, so a slow system shows up as latency, not as less offered load
// (no coordinated omission).
#pragma once

#include <random>

#include "util/duration.h"

namespace gsmq::gen {

class ArrivalSchedule {
 public:
  // rate: messages per second (> 0); poisson: exponential gaps with that mean rate.
  ArrivalSchedule(double rate, bool poisson, Clock::time_point start, uint64_t seed);
  // The intended time of the next message.
  Clock::time_point next();

 private:
  double mean_gap_ns_;
  bool poisson_;
  double offset_ns_ = 0;   // since start, accumulated in double so rates need not divide 1 s
  Clock::time_point start_;
  std::mt19937_64 rng_;
};

}  // namespace gsmq::gen
