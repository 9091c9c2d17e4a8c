#include "queue/live_seqs.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace gsmq::queue {

bool LiveSeqs::in_bitmap(uint64_t seq) const {
  return !words_.empty() && seq >= base_ && (seq - base_) / 64 < words_.size();
}

bool LiveSeqs::contains(uint64_t seq) const {
  if (in_bitmap(seq) && (words_[(seq - base_) / 64] >> (seq % 64) & 1) != 0) return true;
  return !far_.empty() && far_.contains(seq);
}

void LiveSeqs::insert(uint64_t seq) {
  ++count_;
  if (words_.empty()) {
    base_ = seq - seq % 64;
    words_.push_back(0);
  }
  // In words, so that nothing overflows near 2^64.
  const uint64_t word = seq / 64, first = base_ / 64, end = first + words_.size();
  if (std::max(end, word + 1) - std::min(first, word) > kMaxBitmapWords) {
    far_.insert(seq);
    return;
  }
  for (; word < base_ / 64; base_ -= 64) words_.push_front(0);
  while (word - base_ / 64 >= words_.size()) words_.push_back(0);
  words_[word - base_ / 64] |= uint64_t{1} << (seq % 64);
}

void LiveSeqs::erase(uint64_t seq) {
  --count_;
  if (!in_bitmap(seq) || (words_[(seq - base_) / 64] >> (seq % 64) & 1) == 0) {
    far_.erase(seq);
    return;
  }
  words_[(seq - base_) / 64] &= ~(uint64_t{1} << (seq % 64));
  while (!words_.empty() && words_.back() == 0) words_.pop_back();
  for (; !words_.empty() && words_.front() == 0; base_ += 64) words_.pop_front();
}

uint64_t LiveSeqs::min() const {
  const uint64_t far = far_.empty() ? std::numeric_limits<uint64_t>::max() : *far_.begin();
  if (words_.empty()) return far;
  return std::min(far, base_ + static_cast<uint64_t>(std::countr_zero(words_.front())));
}

}  // namespace gsmq::queue
