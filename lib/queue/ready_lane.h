// ReadyLane: the ready messages of one priority, handed out FIFO by seq. Arrivals in seq
// order append to a compact run (40 B each); the few that re-enter behind newer ones
// (redeliveries, delayed messages overtaken by later arrivals) wait in an ordered set beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

#include "queue/chunked_fifo.h"
#include "queue/entry.h"

namespace gsmq::queue {

class ReadyLane {
 public:
  void push(const Entry& e);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Entry& front() const;  // smallest seq; the lane must not be empty
  Entry pop_front();
  std::optional<Entry> remove(uint64_t seq);  // O(log n); nullopt if seq is not in the lane
  bool contains(uint64_t seq) const;
  const Entry* find(uint64_t seq) const;  // O(log n); nullptr if seq is not in the lane
  void clear();

  // Calls visit(entry) in seq order while it returns true.
  template <class Visit>
  void visit(Visit&& visit) const;

 private:
  struct BySeq {
    using is_transparent = void;
    bool operator()(const Entry& a, const Entry& b) const { return a.seq < b.seq; }
    bool operator()(const Entry& a, uint64_t b) const { return a.seq < b; }
    bool operator()(uint64_t a, const Entry& b) const { return a < b.seq; }
  };

  bool front_is_late() const;
  size_t run_position(uint64_t seq) const;  // index of seq in run_, or run_.size()
  void trim();  // drops tombstones at the front; compacts when they outnumber the live entries

  ChunkedFifo<Entry> run_;        // sorted by seq; removed entries stay as tombstones until trimmed
  std::set<Entry, BySeq> late_;   // out-of-order re-entries (~80 B each with the tree node)
  size_t size_ = 0;               // live entries in run_ and late_
  size_t tombstones_ = 0;
};

template <class Visit>
void ReadyLane::visit(Visit&& visit) const {
  size_t i = 0;
  auto late = late_.begin();
  for (;;) {
    while (i < run_.size() && run_[i].removed) ++i;
    const bool have_run = i < run_.size();
    const bool have_late = late != late_.end();
    if (!have_run && !have_late) return;
    const Entry& e = have_late && (!have_run || late->seq < run_[i].seq) ? *late++ : run_[i++];
    if (!visit(e)) return;
  }
}

}  // namespace gsmq::queue
