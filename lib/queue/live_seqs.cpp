#include "queue/live_seqs.h"

#include <bit>
#include <limits>

namespace gsmq::queue {

bool LiveSeqs::contains(uint64_t seq) const {
  if (words_.empty() || seq < base_) return false;
  const uint64_t word = (seq - base_) / 64;
  return word < words_.size() && (words_[word] >> (seq % 64) & 1) != 0;
}

void LiveSeqs::insert(uint64_t seq) {
  const uint64_t seq_base = seq - seq % 64;
  if (words_.empty()) {
    base_ = seq_base;
    words_.push_back(0);
  }
  for (; seq_base < base_; base_ -= 64) words_.push_front(0);
  while ((seq - base_) / 64 >= words_.size()) words_.push_back(0);
  words_[(seq - base_) / 64] |= uint64_t{1} << (seq % 64);
  ++count_;
}

void LiveSeqs::erase(uint64_t seq) {
  words_[(seq - base_) / 64] &= ~(uint64_t{1} << (seq % 64));
  --count_;
  while (!words_.empty() && words_.back() == 0) words_.pop_back();
  for (; !words_.empty() && words_.front() == 0; base_ += 64) words_.pop_front();
}

uint64_t LiveSeqs::min() const {
  if (words_.empty()) return std::numeric_limits<uint64_t>::max();
  return base_ + static_cast<uint64_t>(std::countr_zero(words_.front()));
}

}  // namespace gsmq::queue
