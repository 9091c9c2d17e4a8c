// Moves messages from a Source to a Sink, at least once: a source message is acked only
// after the sink confirmed it. The in-flight count is bounded (back-pressure), and
// --count / --wait, a closed output and a stop signal end the run cleanly.
// gsmq-send, gsmq-recv and gsmq-bridge are all this loop with different endpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "endpoint/endpoint.h"

namespace gsmq {

struct PumpOptions {
  std::optional<uint64_t> count;         // stop after this many messages were taken
  std::optional<Duration> wait;          // give up after this long in total
  size_t max_in_flight = 1024;           // sent but not yet confirmed
  Duration drain_timeout = std::chrono::seconds(30);  // after input ends, for confirmations
  // Optional per-message step before the sink: return false to skip the message
  // (it is acked: skipping is a decision, not a failure).
  std::function<bool(Message&)> transform;
  // Optional, after transform: like it, and may add copies to send with the message
  // (gsmq-bridge --rules). The source message is acked once the sink confirmed it and
  // every copy; it is rejected when any of them is refused.
  std::function<bool(Message&, std::vector<Message>& copies)> expand;
  // Optional: sees every confirmation (may run on the sink's thread): --print, replies.
  std::function<void(const SendResult&)> on_result;
};

struct PumpStats {
  uint64_t received = 0;   // taken from the source
  uint64_t delivered = 0;  // confirmed by the sink
  uint64_t failed = 0;     // refused by the sink (and rejected at the source)
  uint64_t skipped = 0;    // dropped by the transform
  uint64_t retried = 0;    // retries the sink needed (where it reports them)
  uint64_t unconfirmed = 0;  // still pending when the drain timed out
  bool output_closed = false;
  bool unavailable = false;  // the sink lost its peer for good (exit 4)
  bool refused = false;      // the sink's peer refused permission or authentication (exit 6)
  bool timed_out = false;
  bool stopped = false;    // by signal
  bool ended = false;      // the source ran out
};

PumpStats run_pump(Source& source, Sink& sink, const PumpOptions& options);


}  // namespace gsmq
