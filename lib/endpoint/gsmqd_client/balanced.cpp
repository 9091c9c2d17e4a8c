#include "endpoint/gsmqd_client/balanced.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "endpoint/backoff.h"
#include "endpoint/gsmqd_client/connection.h"
#include "endpoint/gsmqd_client/sink.h"
#include "endpoint/gsmqd_client/sources.h"
#include "endpoint/sink_channel.h"
#include "util/program_name.h"
#include "util/signals.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

// A daemon that could not be reached is tried again after this long.
constexpr auto kRetryDown = std::chrono::seconds(1);

// One daemon of the set: connected lazily, marked down when it fails, tried again later.
template <typename End>
struct Member {
  Settings settings;
  std::unique_ptr<End> end;
  bool up = false;
  Clock::time_point retry_at{};
  std::string why;
};

// The sink keeps its members behind pointers (answers refer to them), the source by value.
template <typename End>
const Member<End>& member_of(const Member<End>& m) { return m; }
template <typename End>
const Member<End>& member_of(const std::unique_ptr<Member<End>>& m) { return *m; }

// Why each member of the set is down, joined: what a failure says when none is left.
template <typename Members>
std::string reasons_of(const Members& members) {
  std::string why;
  for (const auto& m : members) why += (why.empty() ? "" : "; ") + member_of(m).why;
  return why;
}

void warn(const std::string& what) { std::fprintf(stderr, "%s: %s\n", program_name().c_str(), what.c_str()); }

class BalancedSink : public Sink {
 public:
  BalancedSink(std::vector<Settings> each, Balance balance, RetryPolicy policy, std::string url_channel)
      : balance_(balance), policy_(policy), url_channel_(std::move(url_channel)) {
    for (auto& s : each) {
      targets_.push_back(s.target);
      members_.push_back(std::make_unique<Member<Sink>>(Member<Sink>{std::move(s), nullptr, false, {}, ""}));
    }
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < members_.size(); ++i) try_connect(i);
    // As with one daemon: none reachable at the start is an error at once (unless ?retry).
    if (!policy_.forever && std::none_of(members_.begin(), members_.end(), [](const auto& m) { return m->up; }))
      throw Error(ErrorKind::unavailable, "no gsmqd of the set is reachable (" + reasons() + ")");
  }

  void send(Message message, Done done) override {
    // The channel is decided once, here; the members' URLs name none.
    message.channel = sink_channel(url_channel_, message.channel);
    {
      std::lock_guard lock(pending_mutex_);
      ++pending_;
    }
    // The answer comes once, from whichever daemon took the message last.
    route(std::make_shared<Message>(std::move(message)), [this, done = std::move(done)](const SendResult& r) {
      done(r);
      std::lock_guard lock(pending_mutex_);
      if (--pending_ == 0) settled_.notify_all();
    }, {});
  }

  // Waits for every answer, not for each member's flush: a message a member gave back
  // may be on its way to another member that was flushed already.
  bool flush(Clock::time_point deadline) override {
    std::vector<Sink*> ends;
    {
      std::lock_guard lock(mutex_);
      for (auto& m : members_)
        if (m->end) ends.push_back(m->end.get());  // never destroyed while this sink lives
    }
    for (Sink* end : ends) end->release();
    std::unique_lock lock(pending_mutex_);
    return settled_.wait_until(lock, deadline, [this] { return pending_ == 0; });
  }

 private:
  // Sends to the first member by preference that is up and not in `tried`; a member that
  // gives the message back as unavailable is marked down and the next one gets it.
  void route(std::shared_ptr<Message> message, Done done, std::vector<size_t> tried) {
    const Clock::time_point all_down_since = Clock::now();
    Backoff backoff(std::chrono::milliseconds(100), std::chrono::seconds(2));
    for (;;) {
      size_t chosen = members_.size();
      {
        std::lock_guard lock(mutex_);
        for (size_t i : order(message->channel)) {
          if (std::find(tried.begin(), tried.end(), i) != tried.end()) continue;
          if (!members_[i]->up && Clock::now() >= members_[i]->retry_at) try_connect(i);
          if (members_[i]->up) {
            chosen = i;
            break;
          }
        }
      }
      if (chosen < members_.size()) {
        tried.push_back(chosen);
        Sink* sink = members_[chosen]->end.get();
        return sink->send(*message, [this, message, done, tried, chosen](const SendResult& r) {
          if (r.status != SendResult::Status::unavailable) return done(r);
          mark_down(chosen, r.error);
          route(message, done, tried);  // on the member's thread: the next one takes it
        });
      }
      // Every daemon is down (or has refused it): wait within the retry policy.
      tried.clear();
      if (stop_requested() || !policy_.keeps_trying(all_down_since)) {
        std::string why;
        {
          std::lock_guard lock(mutex_);
          why = reasons();
        }
        return done(SendResult::unavailable("no gsmqd of the set is reachable (" + why + ")"));
      }
      std::this_thread::sleep_for(backoff.next());
    }
  }

  std::vector<size_t> order(const std::string& channel) {
    if (balance_ == Balance::hash) return preference(channel, targets_);
    std::vector<size_t> o(members_.size());
    const size_t start = next_++ % members_.size();
    for (size_t i = 0; i < o.size(); ++i) o[i] = (start + i) % o.size();
    return o;
  }

  std::string reasons() const { return reasons_of(members_); }  // caller holds mutex_

  void try_connect(size_t i) {  // caller holds mutex_
    auto& m = *members_[i];
    try {
      auto fresh = open_sink(connect(m.settings));
      // The old sink may still answer for what it held (as unavailable, routed on): it is
      // kept until this sink goes, never destroyed under the lock its answers take.
      if (m.end) retired_.push_back(std::move(m.end));
      m.end = std::move(fresh);
      if (!m.up && !m.why.empty()) warn("gsmqd at " + m.settings.target + " is back");
      m.up = true;
      m.why.clear();
    } catch (const Error& e) {
      if (m.why.empty()) warn(std::string(e.what()) + "; its share goes to the others meanwhile");
      m.up = false;
      m.why = e.what();
      m.retry_at = Clock::now() + kRetryDown;
    }
  }

  void mark_down(size_t i, const std::string& why) {
    std::lock_guard lock(mutex_);
    auto& m = *members_[i];
    if (!m.up) return;
    warn("gsmqd at " + m.settings.target + " is gone (" + why + "); its share goes to the others");
    m.up = false;
    m.why = why.find(m.settings.target) == std::string::npos ? m.settings.target + ": " + why : why;
    m.retry_at = Clock::now() + kRetryDown;
    // The member's sink stays until the next connect replaces it: its last answers may
    // still be on their way.
  }

  const Balance balance_;
  const RetryPolicy policy_;
  const std::string url_channel_;
  std::vector<std::string> targets_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Member<Sink>>> members_;
  std::vector<std::unique_ptr<Sink>> retired_;
  size_t next_ = 0;
  std::mutex pending_mutex_;
  std::condition_variable settled_;
  size_t pending_ = 0;  // sent, not yet answered
};

// Takes from every daemon in turn; a tag carries which one it came from.
class MergedSource : public Source {
 public:
  MergedSource(std::vector<Settings> each, RetryPolicy policy) : policy_(policy) {
    for (auto& s : each) members_.push_back(Member<Source>{std::move(s), nullptr, false, {}, ""});
    for (size_t i = 0; i < members_.size(); ++i) try_connect(i);
    bool any = false;
    for (const auto& m : members_) any = any || m.up;
    if (!any && !policy_.forever)
      throw Error(ErrorKind::unavailable, "no gsmqd of the set is reachable (" + reasons_of(members_) + ")");
  }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      bool any_up = false, all_ended = true;
      for (size_t k = 0; k < members_.size(); ++k) {
        const size_t i = (turn_ + k) % members_.size();
        auto& m = members_[i];
        if (!m.up && Clock::now() >= m.retry_at) try_connect(i);
        if (!m.up) {
          all_ended = false;
          continue;
        }
        any_up = true;
        Status s;
        try {
          // A short slice each, so that no daemon's quiet queue holds up the others.
          s = m.end->next(out, std::min(deadline, Clock::now() + kSlice));
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::usage) throw;
          warn(std::string(e.what()) + "; taking from the others");
          m.up = false;
          m.why = e.what();
          m.retry_at = Clock::now() + kRetryDown;
          all_ended = false;
          continue;
        }
        if (s == Status::message) {
          out.tag = out.tag << kIndexBits | i;
          turn_ = i + 1;
          return s;
        }
        if (s == Status::stopped) return s;
        if (s != Status::end) all_ended = false;
      }
      if (any_up && all_ended) return Status::end;
      if (stop_requested()) return Status::stopped;
      if (Clock::now() >= deadline) return Status::timeout;
      if (!any_up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void ack(uint64_t tag) override { member(tag, [](Source& s, uint64_t t) { s.ack(t); }); }
  void reject(uint64_t tag) override { member(tag, [](Source& s, uint64_t t) { s.reject(t); }); }
  void unreceive(uint64_t tag) override { member(tag, [](Source& s, uint64_t t) { s.unreceive(t); }); }
  void confirmed(uint64_t tag, const SendResult& result) override {
    member(tag, [&result](Source& s, uint64_t t) { s.confirmed(t, result); });
  }
  void close() override {
    for (auto& m : members_)
      if (m.end) m.end->close();
  }

 private:
  static constexpr unsigned kIndexBits = 8;  // at most 256 daemons in one URL
  static constexpr auto kSlice = std::chrono::milliseconds(50);

  template <typename Fn>
  void member(uint64_t tag, Fn fn) {
    const size_t i = tag & ((1u << kIndexBits) - 1);
    if (i < members_.size() && members_[i].end) fn(*members_[i].end, tag >> kIndexBits);
  }

  void try_connect(size_t i) {
    auto& m = members_[i];
    try {
      m.end = open_source_of_kind(connect(m.settings));
      if (!m.why.empty()) warn("gsmqd at " + m.settings.target + " is back");
      m.up = true;
      m.why.clear();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::usage) throw;
      if (m.why.empty() && m.end) warn(std::string(e.what()) + "; taking from the others meanwhile");
      m.up = false;
      m.why = e.what();
      m.retry_at = Clock::now() + kRetryDown;
    }
  }

  const RetryPolicy policy_;
  std::vector<Member<Source>> members_;
  size_t turn_ = 0;
};

}  // namespace

std::unique_ptr<Sink> open_balanced_sink(std::vector<Settings> each, Balance balance, RetryPolicy policy,
                                         std::string url_channel) {
  return std::make_unique<BalancedSink>(std::move(each), balance, policy, std::move(url_channel));
}

std::unique_ptr<Source> open_merged_source(std::vector<Settings> each, RetryPolicy policy) {
  return std::make_unique<MergedSource>(std::move(each), policy);
}

}  // namespace gsmq::endpoint::gsmqd_client
