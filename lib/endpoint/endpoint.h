// The two adapter interfaces every endpoint kind implements: a Source hands out messages
// and is told when each was delivered (ack) or not (reject), so that a bridge can be at
// least once; a Sink takes messages and confirms each one asynchronously.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "endpoint/url.h"
#include "envelope/codec.h"
#include "util/duration.h"
#include "util/error.h"
#include "util/program_name.h"

namespace gsmq {

// Reports bad input ("LINE N: ...") and other problems to stderr, and counts them.
class Diagnostics {
 public:
  void bad_input(uint64_t line, const std::string& what);
  void warn(const std::string& what);
  uint64_t bad_inputs() const { return bad_inputs_; }
  bool quiet = false;  // --quiet: warnings off; bad-input lines are still reported
  std::string program = program_name();  // prefix of warnings

 private:
  uint64_t bad_inputs_ = 0;
};

// Options every adapter understands; set from the shared command-line flags.
struct EndpointOptions {
  bool raw = false;            // bare lines instead of envelopes
  bool follow = false;         // keep waiting at the end of the data (file tail -f, queue)
  bool peek = false;           // look without taking (sources that can)
  CodecLimits limits;
  Diagnostics* diagnostics = nullptr;
  std::string client_name = "gsmq";
  std::optional<uint64_t> limit;  // at most this many messages will be taken (--count)
  std::string format;             // output template for line sinks (--format), empty = envelope

  // gsmq:// (gsmqd) options; URL query parameters of the same names override them.
  std::string kind = "queue";     // queue | events | store | request | respond
  std::string group;              // subscriber group (events, store, respond)
  std::string from;               // events-store start: new|first|last|seq:N|time:T|since:D
  Duration visibility{0};         // queue receive: in flight this long (0 = daemon default)
  uint32_t prefetch = 1024;       // queue receive: messages taken per Receive call, at most
  Duration request_timeout = std::chrono::seconds(5);
  bool reject_to_dead_letter = false;  // a refused message is rejected (dead-letter), not requeued
};

struct Delivery {
  Message message;
  uint64_t tag = 0;  // adapter-defined, handed back in ack/reject
};

struct SendResult;

class Source {
 public:
  enum class Status { message, end, timeout, stopped };
  virtual ~Source() = default;
  // Waits for the next message until `deadline` (Clock::time_point::max() = no limit),
  // returning early with `stopped` once a stop was requested (signal).
  virtual Status next(Delivery& out, Clock::time_point deadline) = 0;
  // True when next() would return a message at once (one is buffered already).
  virtual bool ready() const { return false; }
  // The sink confirmed (ack) or refused (reject) the delivery with this tag.
  // May be called from any thread.
  virtual void ack(uint64_t tag) { (void)tag; }
  virtual void reject(uint64_t tag) { (void)tag; }
  // The delivery never reached its consumer (the output closed before it was written or
  // read): give it back without counting it as received where the source can; otherwise
  // as reject.
  virtual void unreceive(uint64_t tag) { reject(tag); }
  // What the pump calls with the sink's confirmation; a source that answers its peer
  // (request-reply) overrides it to use the result's reply.
  virtual void confirmed(uint64_t tag, const SendResult& result);
  // Waits (bounded) until acks/rejects have reached the peer.
  virtual void close() {}
};

struct SendResult {
  // closed: the reader went away for good (EPIPE): a quiet end.
  // unavailable: the peer is gone for good (connection lost past retries): stop sending.
  enum class Status { ok, failed, closed, unavailable };
  Status status = Status::ok;
  std::string error;
  // What the peer said about it, where it says something: the id and seq gsmqd
  // assigned (gsmq-send --print), or the reply to a request.
  std::string id, channel;
  uint64_t seq = 0;
  std::string dropped_by;  // gsmqd's rules dropped it (accepted, not stored): the rule's name
  std::optional<Message> reply;
  uint32_t retries = 0;  // attempts past the first that this message needed (bridge counters)
  bool refused = false;  // failed: the peer refused permission or authentication (exit 6)
  static SendResult ok() { return {}; }
  static SendResult failed(std::string why) {
    SendResult r;
    r.status = Status::failed;
    r.error = std::move(why);
    return r;
  }
  static SendResult unavailable(std::string why) {
    SendResult r;
    r.status = Status::unavailable;
    r.error = std::move(why);
    return r;
  }
  static SendResult refusal(std::string why) {
    SendResult r = failed(std::move(why));
    r.refused = true;
    return r;
  }
  static SendResult closed() {
    SendResult r;
    r.status = Status::closed;
    r.error = "output closed";
    return r;
  }
};

inline void Source::confirmed(uint64_t tag, const SendResult& result) {
  if (result.status == SendResult::Status::ok) ack(tag);
  else if (result.status == SendResult::Status::closed) unreceive(tag);
  else reject(tag);
}

class Sink {
 public:
  using Done = std::function<void(const SendResult&)>;
  virtual ~Sink() = default;
  // Takes one message; `done` runs exactly once, inline or on another thread, when the
  // peer confirmed or refused it. May block to apply back-pressure.
  virtual void send(Message message, Done done) = 0;
  // True once the sink can take nothing more (its reader went away), checked while idle.
  virtual bool closed() { return false; }
  // Waits until every `done` has run, or `deadline`; false when some are still pending.
  virtual bool flush(Clock::time_point deadline) {
    (void)deadline;
    return true;
  }
  // A hint for the next send(): another message follows at once. A sink may then hold
  // that message (and its `done`) to write several together; what it holds it writes
  // and confirms at the latest on a send() without the hint, on release() or on flush().
  virtual void more_follows(bool more) { (void)more; }
  virtual void release() {}
};

}  // namespace gsmq
