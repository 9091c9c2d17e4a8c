#include "queue/ready_lane.h"

namespace gsmq::queue {

namespace {
constexpr size_t kMinCompaction = 64;  // tombstones tolerated before compacting a run
}  // namespace

void ReadyLane::push(const Entry& e) {
  if (run_.empty() || e.seq > run_.back().seq) {
    run_.push_back(e);
  } else {
    late_.insert(e);
  }
  ++size_;
}

bool ReadyLane::front_is_late() const {
  return !late_.empty() && (run_.empty() || late_.begin()->seq < run_.front().seq);
}

const Entry& ReadyLane::front() const { return front_is_late() ? *late_.begin() : run_.front(); }

Entry ReadyLane::pop_front() {
  const Entry e = front();
  if (front_is_late()) {
    late_.erase(late_.begin());
  } else {
    run_.pop_front();
    trim();
  }
  --size_;
  return e;
}

size_t ReadyLane::run_position(uint64_t seq) const {
  size_t lo = 0, hi = run_.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (run_[mid].seq < seq) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < run_.size() && run_[lo].seq == seq && !run_[lo].removed ? lo : run_.size();
}

bool ReadyLane::contains(uint64_t seq) const {
  return run_position(seq) < run_.size() || late_.contains(seq);
}

const Entry* ReadyLane::find(uint64_t seq) const {
  if (const size_t i = run_position(seq); i < run_.size()) return &run_[i];
  const auto it = late_.find(seq);
  return it == late_.end() ? nullptr : &*it;
}

std::optional<Entry> ReadyLane::remove(uint64_t seq) {
  Entry e{};
  if (const size_t i = run_position(seq); i < run_.size()) {
    e = run_[i];
    run_[i].removed = 1;
    ++tombstones_;
    trim();
  } else if (auto it = late_.find(seq); it != late_.end()) {
    e = *it;
    late_.erase(it);
  } else {
    return std::nullopt;
  }
  --size_;
  return e;
}

void ReadyLane::trim() {
  for (; !run_.empty() && run_.front().removed; --tombstones_) run_.pop_front();
  if (tombstones_ >= kMinCompaction && tombstones_ * 2 > run_.size()) {
    run_.remove_if([](const Entry& e) { return e.removed != 0; });
    tombstones_ = 0;
  }
}

void ReadyLane::clear() {
  run_.clear();
  late_.clear();
  size_ = 0;
  tombstones_ = 0;
}

}  // namespace gsmq::queue
