// The pump (source -> sink), with small in-test Source and Sink doubles: at-least-once
// acks, rejects, back-pressure, stop conditions and the exit-status table.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cli/tool.h"
#include "pipeline/pump.h"

namespace gsmq {
namespace {

using namespace std::chrono_literals;

// Hands out `count` messages (id and body "1", "2", ...; tag = the same number), then
// `at_end`. Records acks and rejects, which may arrive from any thread.
class ScriptedSource : public Source {
 public:
  explicit ScriptedSource(uint64_t count, Status at_end = Status::end) : count_(count), at_end_(at_end) {}

  Status next(Delivery& out, Clock::time_point deadline) override {
    ++next_calls;
    last_deadline = deadline;
    if (given_ == count_) return at_end_;
    ++given_;
    out.message.id = out.message.body = std::to_string(given_);
    out.tag = given_;
    return Status::message;
  }
  void ack(uint64_t tag) override {
    std::lock_guard lock(mutex_);
    if (before_ack) before_ack(tag);
    acked_.push_back(tag);
  }
  void reject(uint64_t tag) override {
    std::lock_guard lock(mutex_);
    rejected_.push_back(tag);
  }
  void close() override { closed = true; }

  std::vector<uint64_t> acked() {
    std::lock_guard lock(mutex_);
    auto v = acked_;
    std::sort(v.begin(), v.end());
    return v;
  }
  std::vector<uint64_t> rejected() {
    std::lock_guard lock(mutex_);
    auto v = rejected_;
    std::sort(v.begin(), v.end());
    return v;
  }

  std::function<void(uint64_t)> before_ack;  // runs under the source's lock
  uint64_t next_calls = 0;
  Clock::time_point last_deadline{};
  bool closed = false;

 private:
  uint64_t count_;
  Status at_end_;
  uint64_t given_ = 0;
  std::mutex mutex_;
  std::vector<uint64_t> acked_, rejected_;
};

// Confirms inline with whatever `verdict` says for each message.
class InlineSink : public Sink {
 public:
  explicit InlineSink(std::function<SendResult(const Message&)> verdict) : verdict_(std::move(verdict)) {}
  void send(Message message, Done done) override {
    bodies.push_back(message.body);
    done(verdict_(message));
  }
  std::vector<std::string> bodies;

 private:
  std::function<SendResult(const Message&)> verdict_;
};

SendResult ok(const Message&) { return SendResult::ok(); }

// Confirms on a thread of its own, and only when `window` messages are outstanding (or
// when flushed): the pump must fill its window and then wait, never overfill it.
class WindowSink : public Sink {
 public:
  explicit WindowSink(size_t window) : window_(window), worker_([this] { run(); }) {}
  ~WindowSink() override {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  void send(Message message, Done done) override {
    std::lock_guard lock(mutex_);
    pending_.push_back({std::move(message), std::move(done)});
    max_outstanding_ = std::max(max_outstanding_, pending_.size());
    changed_.notify_all();
  }
  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    draining_ = true;
    changed_.notify_all();
    return changed_.wait_until(lock, deadline, [&] { return pending_.empty(); });
  }
  bool confirmed(const std::string& id) {
    std::lock_guard lock(mutex_);
    return confirmed_.count(id) > 0;
  }
  size_t max_outstanding() {
    std::lock_guard lock(mutex_);
    return max_outstanding_;
  }
  std::vector<std::string> order() {
    std::lock_guard lock(mutex_);
    return order_;
  }

 private:
  struct Item {
    Message message;
    Done done;
  };
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return quit_ || pending_.size() >= window_ || (draining_ && !pending_.empty()); });
      if (quit_) return;
      Item item = std::move(pending_.front());
      pending_.pop_front();
      confirmed_.insert(item.message.id);
      order_.push_back(item.message.id);
      lock.unlock();
      item.done(SendResult::ok());
      lock.lock();
      changed_.notify_all();
    }
  }

  size_t window_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> pending_;
  std::set<std::string> confirmed_;
  std::vector<std::string> order_;
  size_t max_outstanding_ = 0;
  bool draining_ = false, quit_ = false;
  std::thread worker_;
};

// Takes messages and never confirms them.
class SilentSink : public Sink {
 public:
  void send(Message, Done done) override { held.push_back(std::move(done)); }
  std::vector<Done> held;
};

std::vector<uint64_t> one_to(uint64_t n) {
  std::vector<uint64_t> v(n);
  for (uint64_t i = 0; i < n; ++i) v[i] = i + 1;
  return v;
}

TEST(PumpTest, CountStopsAfterThatManyMessages) {
  ScriptedSource source(100);
  InlineSink sink(ok);
  PumpOptions options;
  options.count = 10;
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_EQ(stats.received, 10u);
  EXPECT_EQ(stats.delivered, 10u);
  EXPECT_EQ(source.next_calls, 10u) << "no message is taken beyond the count";
  EXPECT_EQ(source.acked(), one_to(10));
  EXPECT_FALSE(stats.ended);
  EXPECT_TRUE(source.closed);
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitOk);
}

TEST(PumpTest, AcksOnlyAfterTheSinkConfirmedAndNeverOverfillsTheWindow) {
  for (const size_t window : {size_t{1}, size_t{8}, size_t{64}}) {
    SCOPED_TRACE("max_in_flight " + std::to_string(window));
    ScriptedSource source(1000);
    WindowSink sink(window);
    std::vector<uint64_t> early;
    source.before_ack = [&](uint64_t tag) {
      if (!sink.confirmed(std::to_string(tag))) early.push_back(tag);
    };
    PumpOptions options;
    options.max_in_flight = window;
    const PumpStats stats = run_pump(source, sink, options);
    EXPECT_TRUE(stats.ended);
    EXPECT_EQ(stats.received, 1000u);
    EXPECT_EQ(stats.delivered, 1000u);
    EXPECT_EQ(stats.unconfirmed, 0u);
    EXPECT_EQ(source.acked(), one_to(1000));
    EXPECT_TRUE(source.rejected().empty());
    EXPECT_TRUE(early.empty()) << early.size() << " acks came before the sink confirmed, first tag " << early[0];
    EXPECT_EQ(sink.max_outstanding(), window) << "the window is filled, and never more";
    const auto order = sink.order();
    ASSERT_EQ(order.size(), 1000u);
    for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], std::to_string(i + 1)) << "messages keep their order";
  }
}

TEST(PumpTest, RefusedMessagesAreRejectedAtTheSourceAndExitOne) {
  ScriptedSource source(9);
  InlineSink sink([](const Message& m) {
    if (std::stoi(m.body) % 3 == 0) return SendResult::failed("refused by test");
    return SendResult::ok();
  });
  PumpOptions options;
  testing::internal::CaptureStderr();
  const PumpStats stats = run_pump(source, sink, options);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(stats.received, 9u);
  EXPECT_EQ(stats.delivered, 6u);
  EXPECT_EQ(stats.failed, 3u);
  EXPECT_EQ(source.rejected(), (std::vector<uint64_t>{3, 6, 9}));
  EXPECT_EQ(source.acked(), (std::vector<uint64_t>{1, 2, 4, 5, 7, 8}));
  EXPECT_NE(err.find("delivery failed: refused by test"), std::string::npos) << err;
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitDeliveryFailed);
}

TEST(PumpTest, ClosedOutputStopsTakingMessagesAndExitsZero) {
  ScriptedSource source(100);
  InlineSink sink([](const Message& m) {
    if (m.body == "3") return SendResult::closed();
    return SendResult::ok();
  });
  PumpOptions options;
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_TRUE(stats.output_closed);
  EXPECT_EQ(source.next_calls, 3u) << "nothing is taken after the output closed";
  EXPECT_EQ(source.acked(), one_to(2));
  EXPECT_EQ(source.rejected(), (std::vector<uint64_t>{3})) << "the unwritten message is not acked";
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitOk);
}

TEST(PumpTest, SinkThatLostItsPeerStopsTheRunWithExitFour) {
  ScriptedSource source(1000);
  InlineSink sink([](const Message& m) {
    if (std::stoi(m.body) >= 4) return SendResult::unavailable("connection lost");
    return SendResult::ok();
  });
  PumpOptions options;
  testing::internal::CaptureStderr();
  const PumpStats stats = run_pump(source, sink, options);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(stats.unavailable);
  EXPECT_EQ(source.next_calls, 4u) << "nothing is taken after the sink lost its peer";
  EXPECT_EQ(source.acked(), one_to(3));
  EXPECT_EQ(source.rejected(), (std::vector<uint64_t>{4}));
  EXPECT_NE(err.find("delivery failed: connection lost"), std::string::npos) << err;
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitUnavailable);
}

TEST(PumpTest, ManyFailuresAreCountedNotEachPrinted) {
  ScriptedSource source(100);
  InlineSink sink([](const Message&) { return SendResult::failed("refused by test"); });
  PumpOptions options;
  testing::internal::CaptureStderr();
  const PumpStats stats = run_pump(source, sink, options);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(stats.failed, 100u);
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 6) << err;  // five lines, then a count
  EXPECT_NE(err.find("delivery failed: 95 more messages"), std::string::npos) << err;
}

TEST(PumpTest, StoppedSourceDrainsAndExitsZero) {
  ScriptedSource source(5, Source::Status::stopped);
  WindowSink sink(16);
  PumpOptions options;
  options.max_in_flight = 16;
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_TRUE(stats.stopped);
  EXPECT_EQ(stats.delivered, 5u) << "messages in flight at the stop are still delivered";
  EXPECT_EQ(source.acked(), one_to(5));
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitOk);
}

TEST(PumpTest, SourceWaitsInSlicesAndWaitEndsTheRun) {
  {
    // No --wait: the source is asked in slices of at most 500 ms (so that a closed output
    // is noticed while the input is idle), and only its end ends the run.
    ScriptedSource source(1);
    InlineSink sink(ok);
    const auto before = Clock::now();
    const PumpStats stats = run_pump(source, sink, PumpOptions{});
    EXPECT_TRUE(stats.ended);
    EXPECT_LE(source.last_deadline, before + 600ms);
  }
  // --wait: a source with nothing to give times out at the --wait deadline, not before.
  ScriptedSource source(0, Source::Status::timeout);
  InlineSink sink(ok);
  PumpOptions options;
  options.wait = 200ms;
  const auto before = Clock::now();
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_TRUE(stats.timed_out);
  EXPECT_GE(Clock::now(), before + 200ms);
  EXPECT_LE(source.last_deadline, before + 200ms + 50ms);
}

TEST(PumpTest, TimeoutBeforeTheCountExitsFive) {
  ScriptedSource source(2, Source::Status::timeout);
  InlineSink sink(ok);
  PumpOptions options;
  options.count = 5;
  options.wait = 1ms;
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_TRUE(stats.timed_out);
  EXPECT_EQ(stats.delivered, 2u) << "what arrived before the timeout is delivered";
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitTimeout);

  PumpOptions no_count;
  no_count.wait = 1ms;
  EXPECT_EQ(pump_exit_status(stats, no_count, diagnostics), kExitOk) << "--wait alone is a normal end";
}

TEST(PumpTest, SkippedMessagesAreAckedAndNotSent) {
  ScriptedSource source(6);
  InlineSink sink(ok);
  PumpOptions options;
  options.transform = [](Message& m) {
    m.priority = 4;
    return std::stoi(m.body) % 2 == 0;
  };
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_EQ(stats.skipped, 3u);
  EXPECT_EQ(stats.delivered, 3u);
  EXPECT_EQ(sink.bodies, (std::vector<std::string>{"2", "4", "6"}));
  EXPECT_EQ(source.acked(), one_to(6));
}

TEST(PumpTest, UnconfirmedAtTheEndOfTheDrainExitsOne) {
  ScriptedSource source(3);
  SilentSink sink;
  PumpOptions options;
  options.drain_timeout = 20ms;
  const PumpStats stats = run_pump(source, sink, options);
  EXPECT_EQ(stats.unconfirmed, 3u);
  EXPECT_EQ(stats.delivered, 0u);
  EXPECT_TRUE(source.acked().empty()) << "nothing unconfirmed is acked";
  Diagnostics diagnostics;
  EXPECT_EQ(pump_exit_status(stats, options, diagnostics), kExitDeliveryFailed);
}

TEST(PumpTest, ExitStatusPriorityIsFailedThenBadInputThenTimeout) {
  PumpOptions with_count;
  with_count.count = 10;
  Diagnostics clean, bad;
  testing::internal::CaptureStderr();
  bad.bad_input(7, "field \"priority\": expected an integer 0-9");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "gsmq: LINE 7: field \"priority\": expected an integer 0-9\n");

  PumpStats timed_out;
  timed_out.timed_out = true;
  timed_out.received = 2;
  PumpStats failed_and_timed_out = timed_out;
  failed_and_timed_out.failed = 1;
  PumpStats closed = failed_and_timed_out;
  closed.output_closed = true;

  EXPECT_EQ(pump_exit_status(PumpStats{}, with_count, clean), kExitOk);
  EXPECT_EQ(pump_exit_status(timed_out, with_count, clean), kExitTimeout);
  EXPECT_EQ(pump_exit_status(timed_out, with_count, bad), kExitBadInput) << "3 over 5";
  EXPECT_EQ(pump_exit_status(failed_and_timed_out, with_count, bad), kExitDeliveryFailed) << "1 over 3 and 5";
  EXPECT_EQ(pump_exit_status(PumpStats{}, with_count, bad), kExitBadInput);
  EXPECT_EQ(pump_exit_status(closed, with_count, bad), kExitOk) << "a closed output is a clean end";
}

}  // namespace
}  // namespace gsmq
