#include "pipeline/pump.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "util/signals.h"
#include "util/program_name.h"

namespace gsmq {
namespace {

constexpr uint64_t kReportedFailures = 5;

// What the sink's confirmations update, possibly from other threads.
struct Tracker {
  std::mutex mutex;
  std::condition_variable changed;
  size_t in_flight = 0;
  uint64_t delivered = 0, failed = 0;
  bool closed = false;
  bool unavailable = false;      // the sink lost its peer for good: take no more input
  bool refused = false;          // the peer refused permission or authentication
  uint64_t reported = 0;         // failures printed; the rest are only counted
  uint64_t retried = 0;          // retries the sink needed, over all messages

  void finish(const SendResult& result) {
    std::lock_guard lock(mutex);
    --in_flight;
    retried += result.retries;
    if (result.status == SendResult::Status::ok) ++delivered;
    else if (result.status == SendResult::Status::closed) closed = true;
    else ++failed;
    if (result.status == SendResult::Status::unavailable) unavailable = true;
    if (result.refused) refused = true;
    // A few failures are worth a line each; thousands of the same are noise.
    if ((result.status == SendResult::Status::failed || result.status == SendResult::Status::unavailable) &&
        !result.error.empty() && reported++ < kReportedFailures)
      std::fprintf(stderr, "%s: delivery failed: %s\n", program_name().c_str(), result.error.c_str());
    changed.notify_all();
  }
};

}  // namespace

PumpStats run_pump(Source& source, Sink& sink, const PumpOptions& options) {
  PumpStats stats;
  auto tracker = std::make_shared<Tracker>();
  const auto deadline = options.wait ? Clock::now() + *options.wait : Clock::time_point::max();
  Delivery delivery;

  for (;;) {
    // --count counts the messages that pass the transform (filters), not the skipped ones.
    if (options.count && stats.received - stats.skipped >= *options.count) break;
    {
      // Back-pressure: wait for room before taking another message (a signal still ends it).
      std::unique_lock lock(tracker->mutex);
      while (!tracker->changed.wait_for(lock, std::chrono::milliseconds(100), [&] {
        return tracker->in_flight < options.max_in_flight || tracker->closed || tracker->unavailable;
      }))
        if (stop_requested()) break;
      if (tracker->closed || tracker->unavailable) break;
      if (stop_requested()) {
        stats.stopped = true;
        break;
      }
    }
    // Nothing buffered at the source: the sink writes out what it held for a batch now,
    // before the wait for the next message.
    if (!source.ready()) sink.release();
    // Wait in slices, so that an output closed while the input is idle (a reader that
    // went away: `gsmq-recv --follow ... | head -1`) ends the run without a next message.
    auto status = Source::Status::timeout;
    for (;;) {
      const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(500));
      status = source.next(delivery, slice);
      if (status != Source::Status::timeout || Clock::now() >= deadline) break;
      if (sink.closed()) {
        std::lock_guard lock(tracker->mutex);
        tracker->closed = true;
        break;
      }
    }
    if (status == Source::Status::timeout && tracker->closed) break;
    if (status == Source::Status::end) {
      stats.ended = true;
      break;
    }
    if (status == Source::Status::timeout) {
      stats.timed_out = true;
      break;
    }
    if (status == Source::Status::stopped) {
      stats.stopped = true;
      break;
    }
    ++stats.received;
    std::vector<Message> copies;
    if ((options.transform && !options.transform(delivery.message)) ||
        (options.expand && !options.expand(delivery.message, copies))) {
      ++stats.skipped;
      source.ack(delivery.tag);
      continue;
    }
    bool room;
    {
      std::lock_guard lock(tracker->mutex);
      room = ++tracker->in_flight < options.max_in_flight;
    }
    const uint64_t tag = delivery.tag;
    auto finish = [tracker, &source, tag, &on_result = options.on_result](const SendResult& result) {
      source.confirmed(tag, result);
      if (on_result) on_result(result);
      tracker->finish(result);
    };
    if (copies.empty()) {
      // The sink may hold this one to write it with the next, which follows at once (and
      // without a wait for room, so nothing held can stall the loop).
      sink.more_follows(room && source.ready());
      sink.send(std::move(delivery.message), std::move(finish));
    } else {
      // The message and its copies: one confirmation at the source, the first failure
      // (if any) deciding it.
      struct Join {
        std::mutex mutex;
        size_t remaining;
        std::optional<SendResult> main, failure;
        uint32_t retries = 0;
      };
      auto join = std::make_shared<Join>();
      join->remaining = copies.size() + 1;
      auto part_done = [join, finish](bool is_main, const SendResult& result) {
        std::unique_lock lock(join->mutex);
        join->retries += result.retries;
        if (is_main) join->main = result;
        if (result.status != SendResult::Status::ok && !join->failure) join->failure = result;
        if (--join->remaining > 0) return;
        SendResult out = join->failure ? *join->failure : *join->main;
        out.retries = join->retries;
        lock.unlock();
        finish(out);
      };
      copies.insert(copies.begin(), std::move(delivery.message));
      for (size_t k = 0; k < copies.size(); ++k) {
        sink.more_follows(k + 1 < copies.size() || (room && source.ready()));
        sink.send(std::move(copies[k]), [part_done, is_main = k == 0](const SendResult& r) { part_done(is_main, r); });
      }
    }
    delivery = Delivery{};
  }

  // Drain: wait for the confirmations of everything in flight.
  sink.flush(Clock::now() + options.drain_timeout);
  {
    std::unique_lock lock(tracker->mutex);
    tracker->changed.wait_for(lock, options.drain_timeout, [&] { return tracker->in_flight == 0; });
    stats.delivered = tracker->delivered;
    stats.failed = tracker->failed;
    stats.unavailable = tracker->unavailable;
    stats.refused = tracker->refused;
    stats.retried = tracker->retried;
    if (tracker->reported > kReportedFailures)
      std::fprintf(stderr, "%s: delivery failed: %llu more messages\n", program_name().c_str(),
                   static_cast<unsigned long long>(tracker->reported - kReportedFailures));
    stats.output_closed = tracker->closed;
    stats.unconfirmed = tracker->in_flight;
  }
  source.close();
  return stats;
}


}  // namespace gsmq
