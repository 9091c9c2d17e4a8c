#include "gen/arrival_schedule.h"

namespace gsmq::gen {

ArrivalSchedule::ArrivalSchedule(double rate, bool poisson, Clock::time_point start, uint64_t seed)
    : mean_gap_ns_(1e9 / rate), poisson_(poisson), start_(start), rng_(seed) {}

Clock::time_point ArrivalSchedule::next() {
  const auto at = start_ + std::chrono::nanoseconds(static_cast<int64_t>(offset_ns_));
  if (poisson_) {
    std::exponential_distribution<double> gap(1.0 / mean_gap_ns_);
    offset_ns_ += gap(rng_);
  } else {
    offset_ns_ += mean_gap_ns_;
  }
  return at;
}

}  // namespace gsmq::gen
