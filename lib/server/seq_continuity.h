// Recovery's check of the seqs it reads back from a channel's data log. gsmqd writes a
// channel's message records in the order of their seqs, which it counts up from 1, so a
// record whose seq breaks that order, or jumps far beyond the others, is not one gsmqd
// wrote there (damage that still verifies, or, in a version 1 segment, a frame found
// inside another record's payload): recovery drops it, so that no number read from disk
// decides what gsmqd allocates or which seqs it hands out next.
//
// A record is kept when its seq is in [1, kMaxSeq], is greater than the last kept one and
// at most max_step beyond it; a record that fits but is contradicted by the one after it
// (which fits after the last kept one, and not after it) is the odd one out. The first
// record is judged by the one after it; when the two disagree, the larger one is suspect.
#pragma once

#include <cstdint>
#include <optional>

namespace gsmq::server {

class SeqContinuity {
 public:
  // A counter of messages, one up per message, never gets near it (2^62: 146,000 years at
  // a million messages a second).
  static constexpr uint64_t kMaxSeq = uint64_t{1} << 62;

  explicit SeqContinuity(uint64_t max_step) : max_step_(max_step) {}

  // Offers the seq of the next record, in log order. Each verdict needs the record after
  // it, so this returns whether to keep the record offered before (nullopt for the first).
  std::optional<bool> offer(uint64_t seq);
  // The verdict on the last record offered (nullopt if there was none).
  std::optional<bool> finish();

  static bool plausible(uint64_t seq) { return seq >= 1 && seq <= kMaxSeq; }

 private:
  // The verdict on pending_, given the seq after it (have_next: there is a plausible one).
  bool judge_pending(bool have_next, uint64_t next);
  bool fits_after(uint64_t before, uint64_t seq) const { return seq > before && seq - before <= max_step_; }

  const uint64_t max_step_;
  std::optional<uint64_t> kept_;     // the last seq kept
  std::optional<uint64_t> pending_;  // offered, not judged yet
};

}  // namespace gsmq::server
