// ZeroMQ as a source: a PULL (or SUB) socket; each multipart message is one gsmq message,
// stamped on arrival. ZeroMQ has no acknowledgements: a message is the source's once
// libzmq handed it over, so ack and reject change nothing (at most once from the peer's
// side). Multipart messages that fit no framing rule are counted and dropped.
#include <cerrno>

#include "endpoint/zmq/source.h"
#include "endpoint/zmq/mapping.h"
#include "endpoint/zmq/socket.h"
#include "util/signals.h"

namespace gsmq::endpoint::zmq {
namespace {

constexpr auto kPollSlice = std::chrono::milliseconds(100);
constexpr uint64_t kReportedMalformed = 10;  // warn for the first few, then count quietly

class ZmqSource : public Source {
 public:
  ZmqSource(const Settings& settings, const EndpointOptions& options)
      : settings_(settings), options_(options), socket_(open_socket(settings_, options.diagnostics)) {}

  ~ZmqSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      std::vector<std::string> frames;
      if (receive(frames)) {
        Message m;
        std::string error;
        if (!from_frames(frames, settings_, options_.limits, m, error)) {
          malformed(error);
          continue;
        }
        stamp(m);
        out = Delivery{std::move(m), ++next_tag_};
        return Status::message;
      }
      if (stop_requested()) return Status::stopped;
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      const auto wait = std::min<Clock::duration>(deadline - now, kPollSlice);
      zmq_pollitem_t items[2] = {{socket_->socket.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, stop_fd(), ZMQ_POLLIN, 0}};
      poll_for(items, 2, std::chrono::duration_cast<Duration>(wait));
    }
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    if (malformed_ > 0 && options_.diagnostics)
      options_.diagnostics->warn("zmq: " + std::to_string(malformed_) + " malformed ZeroMQ messages were dropped");
  }

 private:
  // One whole multipart message, without waiting; false when none is there.
  bool receive(std::vector<std::string>& frames) {
    ::zmq::message_t part;
    if (!socket_->socket.recv(part, ::zmq::recv_flags::dontwait)) return false;
    frames.emplace_back(static_cast<const char*>(part.data()), part.size());
    while (part.more()) {  // the rest of a multipart message is already there
      try {
        if (!socket_->socket.recv(part)) break;
      } catch (const ::zmq::error_t& e) {
        if (e.num() == EINTR) continue;
        throw;
      }
      frames.emplace_back(static_cast<const char*>(part.data()), part.size());
    }
    return true;
  }

  void malformed(const std::string& why) {
    const uint64_t n = ++malformed_;
    if (n <= kReportedMalformed && options_.diagnostics)
      options_.diagnostics->warn("zmq: dropped a malformed message from " + settings_.address + ": " + why +
                                 (n == kReportedMalformed ? " (further ones are only counted)" : ""));
  }

  Settings settings_;
  EndpointOptions options_;
  std::unique_ptr<Socket> socket_;
  uint64_t next_tag_ = 0;
  uint64_t malformed_ = 0;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<Source> open_source(const Settings& settings, const EndpointOptions& options) {
  return std::make_unique<ZmqSource>(settings, options);
}

}  // namespace gsmq::endpoint::zmq
