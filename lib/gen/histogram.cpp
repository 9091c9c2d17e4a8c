#include "gen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

namespace gsmq::gen {
namespace {
constexpr int kSubBits = 11;                           // 2048 exact values, then 1024 per octave
constexpr uint64_t kSubCount = 1ull << kSubBits;       // 2048
constexpr uint64_t kHalf = kSubCount / 2;              // 1024
constexpr int kOctaves = 64 - kSubBits;                // enough for any uint64_t
constexpr size_t kBuckets = kSubCount + static_cast<size_t>(kOctaves) * kHalf;
}  // namespace

Histogram::Histogram() = default;

size_t Histogram::index_of(uint64_t v) {
  if (v < kSubCount) return static_cast<size_t>(v);
  const int shift = (63 - std::countl_zero(v)) - (kSubBits - 1);  // v >> shift in [1024, 2047]
  return static_cast<size_t>(kSubCount + (static_cast<uint64_t>(shift) - 1) * kHalf + ((v >> shift) - kHalf));
}

uint64_t Histogram::lowest_value_at(size_t index) {
  if (index < kSubCount) return index;
  const uint64_t k = index - kSubCount;
  const int shift = static_cast<int>(k / kHalf) + 1;
  return (kHalf + k % kHalf) << shift;
}

uint64_t Histogram::highest_value_at(size_t index) {
  if (index < kSubCount) return index;
  const int shift = static_cast<int>((index - kSubCount) / kHalf) + 1;
  return lowest_value_at(index) + ((1ull << shift) - 1);
}

void Histogram::record(uint64_t value, uint64_t count) {
  if (count == 0) return;
  if (counts_.empty()) counts_.assign(kBuckets, 0);
  const size_t i = index_of(value);
  counts_[i] += count;
  lo_ = total_ ? std::min(lo_, i) : i;
  hi_ = total_ ? std::max(hi_, i) : i;
  total_ += count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<long double>(value) * count;
}

void Histogram::merge(const Histogram& other) {
  if (other.total_ == 0) return;
  if (counts_.empty()) counts_.assign(kBuckets, 0);
  for (size_t i = other.lo_; i <= other.hi_; ++i) counts_[i] += other.counts_[i];
  lo_ = total_ ? std::min(lo_, other.lo_) : other.lo_;
  hi_ = total_ ? std::max(hi_, other.hi_) : other.hi_;
  total_ += other.total_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void Histogram::reset() {
  if (total_ > 0) std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(lo_), counts_.begin() + static_cast<std::ptrdiff_t>(hi_) + 1, 0);
  lo_ = hi_ = 0;
  total_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

double Histogram::mean() const { return total_ ? static_cast<double>(sum_ / total_) : 0.0; }

uint64_t Histogram::percentile(double p) const {
  if (total_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_))));
  uint64_t seen = 0;
  for (size_t i = lo_; i <= hi_; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(max_, std::max(min_, highest_value_at(i)));
  }
  return max_;
}

std::string Histogram::percentile_distribution(double unit) const {
  std::string out = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n";
  char line[128];
  // HdrHistogram's iteration: halving the distance to 100% at each tick (5 ticks per half).
  for (double p = 0;; ) {
    const uint64_t v = percentile(p);
    const uint64_t rank = total_ ? std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_)))) : 0;
    if (p < 100.0)
      std::snprintf(line, sizeof line, "%12.3f %14.12f %10llu %14.2f\n", static_cast<double>(v) / unit, p / 100.0,
                    static_cast<unsigned long long>(rank), 1.0 / (1.0 - p / 100.0));
    else
      std::snprintf(line, sizeof line, "%12.3f %14.12f %10llu\n", static_cast<double>(v) / unit, 1.0,
                    static_cast<unsigned long long>(total_));
    out += line;
    if (p >= 100.0 || total_ == 0) break;
    const double remaining = 100.0 - p;
    const double step = remaining / 10.0;
    p = remaining < 1e-6 || rank >= total_ ? 100.0 : p + step;
  }
  std::snprintf(line, sizeof line, "#[Mean    = %12.3f, Max     = %12.3f]\n#[Total count    = %12llu]\n",
                mean() / unit, static_cast<double>(max_) / unit, static_cast<unsigned long long>(total_));
  out += line;
  return out;
}

}  // namespace gsmq::gen
