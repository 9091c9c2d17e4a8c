// ZeroMQ as a sink: a PUSH (or PUB) socket; each message is one multipart message. ZeroMQ
// has no acknowledgements, so a message is confirmed once libzmq took it for sending:
// across the network that is at most once (a peer that dies takes what was queued to it
// along). A send waits (until ?timeout: then the peer counts as gone, exit 4; or until a
// stop) while nobody could take the message: PUSH while no peer is connected or the
// high-water mark is reached; PUB while no subscriber's subscription has arrived (an XPUB
// socket underneath shows them), since a PUB socket drops what nobody subscribes to.
#include "endpoint/zmq/sink.h"
#include "endpoint/zmq/mapping.h"
#include "endpoint/zmq/socket.h"
#include "endpoint/zmq/subscriptions.h"
#include "util/signals.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::zmq {
namespace {

constexpr auto kPollSlice = std::chrono::milliseconds(100);

class ZmqSink : public Sink {
 public:
  ZmqSink(const Settings& settings, const EndpointOptions& options)
      : settings_(settings),
        diagnostics_(options.diagnostics),
        socket_(open_socket(settings_, options.diagnostics)) {}

  void send(Message message, Done done) override {
    const auto frames = to_frames(message, settings_);
    const std::string channel = sink_channel(settings_.channel, message.channel);
    const auto deadline = settings_.timeout ? Clock::now() + *settings_.timeout : Clock::time_point::max();
    const bool pub = settings_.pattern == Pattern::pub;
    const char* still_waiting = pub ? "no ZeroMQ subscriber was there" : "no ZeroMQ peer took the message";
    const char* gave_up = pub ? "no ZeroMQ subscriber within " : "no ZeroMQ peer took the message within ";
    for (;;) {
      if (ready_to_send() && try_send(frames)) {
        if (pub && !subscriptions_.matches(frames[0])) unmatched(channel);
        SendResult ok;
        ok.id = message.id;
        ok.channel = channel;
        return done(ok);
      }
      if (stop_requested()) return done(SendResult::failed(settings_.url + ": stopped while " + still_waiting));
      const auto now = Clock::now();
      if (now >= deadline)
        return done(SendResult::unavailable(settings_.url + ": " + gave_up + format_duration(*settings_.timeout)));
      const auto wait = std::min<Clock::duration>(deadline - now, kPollSlice);
      // PUB: wait for subscription messages; PUSH: for room to send.
      const short event = pub ? ZMQ_POLLIN : ZMQ_POLLOUT;
      zmq_pollitem_t items[2] = {{socket_->socket.handle(), 0, event, 0}, {nullptr, stop_fd(), ZMQ_POLLIN, 0}};
      poll_for(items, 2, std::chrono::duration_cast<Duration>(wait));
    }
  }

  // Everything was handed to libzmq in send(); what is still queued leaves when the
  // socket closes, within ?linger.
  bool flush(Clock::time_point) override {
    if (unmatched_ > 0 && diagnostics_)
      diagnostics_->warn("zmq: " + std::to_string(unmatched_) + (unmatched_ == 1 ? " message" : " messages") +
                         " matched no subscription and reached nobody");
    unmatched_ = 0;
    return true;
  }

 private:
  // PUB: reads the subscription messages that arrived, then true while at least one
  // subscription is known. PUSH: always true (libzmq refuses the send instead).
  bool ready_to_send() {
    if (settings_.pattern != Pattern::pub) return true;
    ::zmq::message_t m;
    while (socket_->socket.recv(m, ::zmq::recv_flags::dontwait)) subscriptions_.apply(m.to_string_view());
    return subscriptions_.any();
  }

  // A PUB message that no known subscription matches: pub/sub, nobody asked for it, so it
  // is not waited for; said once, counted, and the count said at the end.
  void unmatched(const std::string& channel) {
    if (unmatched_++ == 0 && diagnostics_)
      diagnostics_->warn("zmq: no subscription matches a message on channel \"" + channel +
                         "\": it reached nobody (further ones are only counted)");
  }

  // All frames, or none: once libzmq took the first part of a multipart message it takes
  // the rest.
  bool try_send(const std::vector<std::string>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      const bool last = i + 1 == frames.size();
      auto flags = last ? ::zmq::send_flags::none : ::zmq::send_flags::sndmore;
      if (i == 0) flags = flags | ::zmq::send_flags::dontwait;
      if (!socket_->socket.send(::zmq::buffer(frames[i]), flags)) return false;  // only the first can be refused
    }
    return true;
  }

  Settings settings_;
  Diagnostics* diagnostics_;
  std::unique_ptr<Socket> socket_;
  Subscriptions subscriptions_;  // PUB only
  uint64_t unmatched_ = 0;       // PUB messages no subscription matched, since the last flush
};

}  // namespace

std::unique_ptr<Sink> open_sink(const Settings& settings, const EndpointOptions& options) {
  return std::make_unique<ZmqSink>(settings, options);
}

}  // namespace gsmq::endpoint::zmq
