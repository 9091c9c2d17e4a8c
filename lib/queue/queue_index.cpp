#include "queue/queue_index.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace gsmq::queue {

namespace {

// Comparators that make std's max-heaps min-heaps: the earliest time (then lowest seq) on top.
bool wakes_later(const Entry& a, const Entry& b) {
  const Micros wa = a.wake_at(), wb = b.wake_at();
  return wa != wb ? wa > wb : a.seq > b.seq;
}
template <class Ref>
bool expires_later(const Ref& a, const Ref& b) {
  return a.expire_at != b.expire_at ? a.expire_at > b.expire_at : a.seq > b.seq;
}
template <class Ref>
bool ends_later(const Ref& a, const Ref& b) {
  return a.until != b.until ? a.until > b.until : a.seq > b.seq;
}

// Hands heap memory back once a heap has shrunk to a quarter of what it holds.
template <class T>
void shrink_if_sparse(std::vector<T>& v) {
  if (v.capacity() > 256 && v.size() < v.capacity() / 4) v.shrink_to_fit();
}

// Rebuilds a heap of refs with lazy deletion: drops the stale refs, keeps one ref per seq
// (the live ones of a seq are alike), and makes the heap again by `later`.
template <class Ref, class IsStale, class Later>
void rebuild_refs(std::vector<Ref>& heap, IsStale is_stale, Later later) {
  std::erase_if(heap, is_stale);
  std::sort(heap.begin(), heap.end(), [](const Ref& a, const Ref& b) { return a.seq < b.seq; });
  heap.erase(std::unique(heap.begin(), heap.end(), [](const Ref& a, const Ref& b) { return a.seq == b.seq; }),
             heap.end());
  std::make_heap(heap.begin(), heap.end(), later);
  shrink_if_sparse(heap);
}

// Calls visit(i) for every element of a min-heap that is due (`due(i)`): they form a
// subtree at the root (C++20 [alg.heap.operations] fixes the layout: the parent of i is
// (i-1)/2), so only that is walked.
template <class Due, class Visit>
void for_each_due(size_t size, Due due, Visit visit) {
  std::vector<size_t> todo;
  if (size > 0) todo.push_back(0);
  while (!todo.empty()) {
    const size_t i = todo.back();
    todo.pop_back();
    if (i >= size || !due(i)) continue;
    visit(i);
    todo.push_back(2 * i + 1);
    todo.push_back(2 * i + 2);
  }
}

Micros saturating_add(Micros a, Micros b) {
  Micros sum;
  if (__builtin_add_overflow(a, b, &sum))
    return b > 0 ? std::numeric_limits<Micros>::max() : std::numeric_limits<Micros>::min();
  return sum;
}

}  // namespace

bool QueueIndex::enqueue(const QueuedMessage& m) {
  if (live_.contains(m.seq)) return false;
  const Entry e = Entry::from(m);
  hold(e);
  keep_deadline(m);
  ++counters_.enqueued;
  if (e.deliver_at <= last_now_) {
    make_ready(e);
  } else {
    delayed_.push_back(e);
    std::push_heap(delayed_.begin(), delayed_.end(), wakes_later);
  }
  return true;
}

TakeResult QueueIndex::take(size_t max, Micros now, Micros visibility) {
  TickResult due = tick(now);
  TakeResult r{.delivered = {},
               .dead_lettered = std::move(due.dead_lettered),
               .expired = std::move(due.expired),
               .late = {},
               .next_wakeup = 0};
  const Micros until = saturating_add(now, visibility);
  for (int p = kMaxPriority; p >= 0 && r.delivered.size() < max; --p) {
    while (!lanes_[p].empty() && r.delivered.size() < max) {
      Entry e = take_ready(static_cast<uint8_t>(p), true);
      const auto [deadline, deliver_late] = deadline_of(e.seq);
      if (deadline != 0) {
        if (!slack_) slack_ = std::make_unique<SlackHistogram>();
        slack_->add(deadline - now);
      }
      if (deadline != 0 && deadline <= now) {
        if (!deliver_late) {
          drop(e, r.late, counters_.late);
          continue;
        }
        ++counters_.late;
        ++counters_.late_delivered;
      } else if (deadline != 0) {
        ++counters_.on_time;
        size_t decade = 0;
        for (Micros slack = deadline - now; slack >= 1000 && decade + 1 < counters_.slack.size(); slack /= 10) ++decade;
        ++counters_.slack[decade];
      }
      if (e.receive_count < std::numeric_limits<uint16_t>::max()) ++e.receive_count;
      start_lease(e, until);
      ++counters_.delivered;
      r.delivered.push_back(e.message());
      r.delivered.back().deadline = deadline;
      r.delivered.back().deliver_late = deliver_late;
    }
  }
  r.next_wakeup = next_wakeup();
  return r;
}

std::vector<QueuedMessage> QueueIndex::peek(size_t max, Micros now, uint64_t from_seq) const {
  // take()'s order: by priority; within one, those with a deadline by (deadline, seq), then
  // the others by seq. Ready entries and the ones due-work at `now` would make ready merge.
  std::vector<Entry> coming = due_to_become_ready(now);
  const auto order = [this](const Entry& e) {
    const Micros d = deadline_of(e.seq).at;
    return std::tuple(-static_cast<int>(e.priority), d == 0, d, e.seq);
  };
  std::sort(coming.begin(), coming.end(), [&](const Entry& a, const Entry& b) { return order(a) < order(b); });
  std::vector<QueuedMessage> out;
  // What take() would hand out: not expired, and not late unless it is delivered late.
  const auto emit = [&](const Entry& e) {
    const auto [deadline, deliver_late] = deadline_of(e.seq);
    if (out.size() >= max || e.seq < from_seq || e.expired(now) || (deadline != 0 && deadline <= now && !deliver_late))
      return;
    out.push_back(e.message());
    out.back().deadline = deadline;
    out.back().deliver_late = deliver_late;
  };
  auto next = coming.begin();
  const auto emit_coming_before = [&](const Entry& e) {
    for (; out.size() < max && next != coming.end() && order(*next) < order(e); ++next) emit(*next);
  };
  for (int p = kMaxPriority; p >= 0 && out.size() < max; --p) {
    for (const auto& [deadline, seq] : by_deadline_[p]) {
      if (out.size() >= max) break;
      const Entry* e = lanes_[p].find(seq);
      if (!e) continue;
      emit_coming_before(*e);
      emit(*e);
    }
    lanes_[p].visit([&](const Entry& e) {
      if (deadline_of(e.seq).at != 0) return true;  // went out above
      emit_coming_before(e);
      emit(e);
      return out.size() < max;
    });
    for (; out.size() < max && next != coming.end() && next->priority == p; ++next) emit(*next);
  }
  return out;
}

bool QueueIndex::ack(uint64_t seq, uint16_t delivery) {
  const std::optional<Entry> e = end_lease(seq, delivery);
  if (!e) return false;
  forget(*e);
  ++counters_.acked;
  return true;
}

std::optional<QueuedMessage> QueueIndex::reject(uint64_t seq, uint16_t delivery) {
  const std::optional<Entry> e = end_lease(seq, delivery);
  if (!e) return std::nullopt;
  forget(*e);
  ++counters_.rejected;
  return e->message();
}

bool QueueIndex::release(uint64_t seq, Micros now, uint16_t delivery) {
  const auto it = find_lease(seq, delivery);
  return it != flight_.end() && extend(seq, std::min(it->second.until, now), delivery);
}

bool QueueIndex::extend(uint64_t seq, Micros until, uint16_t delivery) {
  const auto it = find_lease(seq, delivery);
  if (it == flight_.end()) return false;
  it->second.until = until;  // the ref to the old end is stale now
  push_lease_end({until, seq});
  return true;
}

std::optional<uint16_t> QueueIndex::unreceive(uint64_t seq, uint16_t delivery) {
  std::optional<Entry> e = end_lease(seq, delivery);
  if (!e) return std::nullopt;
  if (e->receive_count > 0 && e->receive_count < std::numeric_limits<uint16_t>::max()) --e->receive_count;
  make_ready(*e);  // by priority and seq, ahead of newer messages, as a redelivery would be
  ++counters_.unreceived;
  return e->receive_count;
}

TickResult QueueIndex::tick(Micros now) {
  TickResult r;
  last_now_ = std::max(last_now_, now);
  while (!delayed_.empty() && delayed_.front().wake_at() <= now) {
    std::pop_heap(delayed_.begin(), delayed_.end(), wakes_later);
    const Entry e = delayed_.back();
    delayed_.pop_back();
    if (e.expired(now)) {
      drop(e, r.expired, counters_.expired);
    } else {
      make_ready(e);
    }
  }
  shrink_if_sparse(delayed_);
  for (const LeaseRef* end; (end = next_lease_end()) && end->until <= now;) {
    const auto it = flight_.find(end->seq);
    const Entry e = it->second.entry;
    flight_.erase(it);
    std::pop_heap(leases_.begin(), leases_.end(), ends_later<LeaseRef>);
    leases_.pop_back();
    if (e.expired(now)) {
      drop(e, r.expired, counters_.expired);
    } else if (e.receives_used_up()) {
      drop(e, r.dead_lettered, counters_.dead_lettered);
    } else {
      make_ready(e);
      ++counters_.redelivered;
    }
  }
  while (!expiry_.empty() && expiry_.front().expire_at <= now) {
    std::pop_heap(expiry_.begin(), expiry_.end(), expires_later<ExpiryRef>);
    const ExpiryRef ref = expiry_.back();
    expiry_.pop_back();
    if (const std::optional<Entry> e = lanes_[ref.priority].remove(ref.seq)) {
      --ttl_ready_;
      if (const Micros d = deadline_of(ref.seq).at) by_deadline_[ref.priority].erase({d, ref.seq});
      drop(*e, r.expired, counters_.expired);
    }
  }
  r.next_wakeup = next_wakeup();
  return r;
}

size_t QueueIndex::drop_oldest(size_t n, std::vector<QueuedMessage>& removed) {
  size_t done = 0;
  for (uint8_t p = 0; p <= kMaxPriority; ++p) {  // lowest priority first, oldest first
    while (done < n && !lanes_[p].empty()) {
      drop(take_ready(p, false), removed, counters_.dropped);
      ++done;
    }
  }
  return done;
}

size_t QueueIndex::purge(std::vector<QueuedMessage>* removed) {
  const size_t n = ready() + delayed();
  const auto remove = [&](const Entry& e) {
    forget(e);
    if (removed) removed->push_back(e.message());
    return true;
  };
  for (ReadyLane& lane : lanes_) {
    lane.visit(remove);
    lane.clear();
  }
  for (auto& ready_by_deadline : by_deadline_) ready_by_deadline.clear();
  for (const Entry& e : delayed_) remove(e);
  delayed_ = {};
  expiry_ = {};
  ttl_ready_ = 0;
  counters_.purged += n;
  return n;
}

bool QueueIndex::restore(const QueuedMessage& m, Micros visible_until) {
  if (live_.contains(m.seq)) return false;
  const Entry e = Entry::from(m);
  hold(e);
  keep_deadline(m);
  start_lease(e, visible_until);
  return true;
}

size_t QueueIndex::ready() const {
  size_t n = 0;
  for (const ReadyLane& lane : lanes_) n += lane.size();
  return n;
}

std::optional<QueuedMessage> QueueIndex::oldest_ready() const {
  const Entry* oldest = nullptr;
  for (const ReadyLane& lane : lanes_)
    if (!lane.empty() && (!oldest || lane.front().seq < oldest->seq)) oldest = &lane.front();
  if (!oldest) return std::nullopt;
  return oldest->message();
}

void QueueIndex::make_ready(const Entry& e) {
  lanes_[e.priority].push(e);
  if (const Micros d = deadline_of(e.seq).at) by_deadline_[e.priority].emplace(d, e.seq);
  if (e.expire_at == 0) return;
  ++ttl_ready_;
  expiry_.push_back(ExpiryRef{.expire_at = e.expire_at, .priority = e.priority, .seq = e.seq});
  std::push_heap(expiry_.begin(), expiry_.end(), expires_later<ExpiryRef>);
  if (expiry_.size() > 2 * ttl_ready_ + 64) rebuild_expiry();
}

Entry QueueIndex::take_ready(uint8_t priority, bool by_deadline) {
  ReadyLane& lane = lanes_[priority];
  auto& ready_by_deadline = by_deadline_[priority];
  const Entry e = [&] {
    if (by_deadline && !ready_by_deadline.empty()) {
      const uint64_t seq = ready_by_deadline.begin()->second;
      ready_by_deadline.erase(ready_by_deadline.begin());
      return *lane.remove(seq);
    }
    const Entry first = lane.pop_front();
    if (!ready_by_deadline.empty())
      if (const Micros d = deadline_of(first.seq).at) ready_by_deadline.erase({d, first.seq});
    return first;
  }();
  if (e.expire_at != 0) --ttl_ready_;
  return e;
}

QueueIndex::Deadline QueueIndex::deadline_of(uint64_t seq) const {
  if (deadlines_.empty()) return {};
  const auto it = deadlines_.find(seq);
  return it == deadlines_.end() ? Deadline{} : it->second;
}

void QueueIndex::keep_deadline(const QueuedMessage& m) {
  if (m.deadline != 0) deadlines_[m.seq] = Deadline{m.deadline, m.deliver_late};
}

void QueueIndex::hold(const Entry& e) {
  live_.insert(e.seq);
  bytes_ += e.size;
}

void QueueIndex::forget(const Entry& e) {
  live_.erase(e.seq);
  if (!deadlines_.empty()) deadlines_.erase(e.seq);
  bytes_ -= e.size;
}

void QueueIndex::drop(const Entry& e, std::vector<QueuedMessage>& into, uint64_t& counter) {
  forget(e);
  into.push_back(e.message());
  ++counter;
}

void QueueIndex::start_lease(const Entry& e, Micros until) {
  flight_.try_emplace(e.seq, Lease{e, until});
  push_lease_end({until, e.seq});
}

void QueueIndex::push_lease_end(LeaseRef ref) {
  leases_.push_back(ref);
  std::push_heap(leases_.begin(), leases_.end(), ends_later<LeaseRef>);
  if (leases_.size() > 2 * flight_.size() + 64) rebuild_leases();
}

bool QueueIndex::is_stale(const LeaseRef& ref) const {
  const auto it = flight_.find(ref.seq);
  return it == flight_.end() || it->second.until != ref.until;
}

// Settled and extended leases leave their refs behind; once they outnumber the live ones,
// they go (one ref per live lease is kept).
void QueueIndex::rebuild_leases() {
  rebuild_refs(leases_, [this](const LeaseRef& ref) { return is_stale(ref); }, ends_later<LeaseRef>);
}

const QueueIndex::LeaseRef* QueueIndex::next_lease_end() {
  while (!leases_.empty() && is_stale(leases_.front())) {
    std::pop_heap(leases_.begin(), leases_.end(), ends_later<LeaseRef>);
    leases_.pop_back();
  }
  return leases_.empty() ? nullptr : &leases_.front();
}

QueueIndex::Flight::iterator QueueIndex::find_lease(uint64_t seq, uint16_t delivery) {
  const auto it = flight_.find(seq);
  if (it == flight_.end() || (delivery != kAnyDelivery && it->second.entry.receive_count != delivery))
    return flight_.end();
  return it;
}

std::optional<Entry> QueueIndex::end_lease(uint64_t seq, uint16_t delivery) {
  const auto it = find_lease(seq, delivery);
  if (it == flight_.end()) return std::nullopt;
  const Entry e = it->second.entry;
  flight_.erase(it);  // its ref in leases_ is stale now
  return e;
}

bool QueueIndex::is_stale(const ExpiryRef& ref) const {
  return !lanes_[ref.priority].contains(ref.seq);
}

// Keeps one ref per ready entry with a TTL: drops refs to entries that left the ready set and
// duplicates left by entries that came back to it.
void QueueIndex::rebuild_expiry() {
  rebuild_refs(expiry_, [this](const ExpiryRef& ref) { return is_stale(ref); }, expires_later<ExpiryRef>);
}

Micros QueueIndex::next_wakeup() {
  while (!expiry_.empty() && is_stale(expiry_.front())) {
    std::pop_heap(expiry_.begin(), expiry_.end(), expires_later<ExpiryRef>);
    expiry_.pop_back();
  }
  Micros next = 0;
  const auto consider = [&next](Micros t) {
    if (next == 0 || t < next) next = t;
  };
  if (!delayed_.empty()) consider(delayed_.front().wake_at());
  if (const LeaseRef* end = next_lease_end()) consider(end->until);
  if (!expiry_.empty()) consider(expiry_.front().expire_at);
  return next;
}

// The delayed entries and ended leases that due-work at `now` would make ready (for peek).
std::vector<Entry> QueueIndex::due_to_become_ready(Micros now) const {
  std::vector<Entry> due;
  for_each_due(
      delayed_.size(), [&](size_t i) { return delayed_[i].wake_at() <= now; },
      [&](size_t i) {
        if (!delayed_[i].expired(now)) due.push_back(delayed_[i]);
      });
  // A lease with two refs (the same end set twice) counts once.
  std::set<uint64_t> seen;
  for_each_due(
      leases_.size(), [&](size_t i) { return leases_[i].until <= now; },
      [&](size_t i) {
        if (is_stale(leases_[i]) || !seen.insert(leases_[i].seq).second) return;
        const Entry& e = flight_.at(leases_[i].seq).entry;
        if (!e.expired(now) && !e.receives_used_up()) due.push_back(e);
      });
  return due;
}

}  // namespace gsmq::queue
