// LiveSeqs: the set of seqs a ChannelQueue still holds (ready, delayed or in flight), as a
// bitmap from the oldest live seq to the newest: O(1) insert/erase/contains/min. It costs one
// bit per seq of that span, so it assumes the daemon's dense per-channel seqs (the disk keeps
// that whole span too, since segments go only below min()).
#pragma once

#include <cstdint>
#include <deque>

namespace gsmq::queue {

class LiveSeqs {
 public:
  bool contains(uint64_t seq) const;
  void insert(uint64_t seq);  // seq must not be live yet
  void erase(uint64_t seq);   // seq must be live
  uint64_t min() const;       // UINT64_MAX when empty
  uint64_t size() const { return count_; }

 private:
  std::deque<uint64_t> words_;  // bit b of words_[i] is seq base_ + 64*i + b; no zero word at either end
  uint64_t base_ = 0;           // a multiple of 64
  uint64_t count_ = 0;
};

}  // namespace gsmq::queue
