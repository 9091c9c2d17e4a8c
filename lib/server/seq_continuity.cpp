#include "server/seq_continuity.h"

namespace gsmq::server {

std::optional<bool> SeqContinuity::offer(uint64_t seq) {
  std::optional<bool> verdict;
  if (pending_) verdict = judge_pending(plausible(seq), seq);
  pending_ = seq;
  return verdict;
}

std::optional<bool> SeqContinuity::finish() {
  if (!pending_) return std::nullopt;
  const bool keep = judge_pending(false, 0);
  pending_.reset();
  return keep;
}

bool SeqContinuity::judge_pending(bool have_next, uint64_t next) {
  const uint64_t seq = *pending_;
  bool keep;
  if (!plausible(seq)) keep = false;
  else if (!kept_) keep = !have_next || next > seq;
  else keep = fits_after(*kept_, seq) && !(have_next && fits_after(*kept_, next) && !fits_after(seq, next));
  if (keep) kept_ = seq;
  return keep;
}

}  // namespace gsmq::server
