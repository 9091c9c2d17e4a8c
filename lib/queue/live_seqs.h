// LiveSeqs: the set of seqs a QueueIndex still holds (ready, delayed or in flight), as a
// bitmap from the oldest live seq to the newest: O(1) insert/erase/contains/min. It costs one
// bit per seq of that span, so it assumes the daemon's dense per-channel seqs (the disk keeps
// that whole span too, since segments go only below min()). The bitmap never spans more than
// kMaxBitmapWords words (8 MiB): a seq that would stretch it further (one far from the rest,
// which dense seqs never are, but a number read from a damaged disk can be) is kept in a
// sorted set instead, at O(log n) and a set node each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>

namespace gsmq::queue {

class LiveSeqs {
 public:
  static constexpr uint64_t kMaxBitmapWords = uint64_t{1} << 20;

  bool contains(uint64_t seq) const;
  void insert(uint64_t seq);  // seq must not be live yet
  void erase(uint64_t seq);   // seq must be live
  uint64_t min() const;       // UINT64_MAX when empty
  uint64_t size() const { return count_; }
  size_t bitmap_bytes() const { return words_.size() * sizeof(uint64_t); }

 private:
  bool in_bitmap(uint64_t seq) const;  // within the words the bitmap has now

  std::deque<uint64_t> words_;  // bit b of words_[i] is seq base_ + 64*i + b; no zero word at either end
  uint64_t base_ = 0;           // a multiple of 64
  uint64_t count_ = 0;
  std::set<uint64_t> far_;      // live seqs the bitmap would have to span too much for
};

}  // namespace gsmq::queue
