// ZeroMQ as a sink: a PUSH (or PUB) socket; each message is one multipart message. ZeroMQ
// has no acknowledgements, so a message is confirmed once libzmq queued it for sending:
// across the network that is at most once (a peer that dies takes what was queued to it
// along). Back-pressure: a PUSH send waits while the high-water mark is reached or no
// peer is connected (until ?timeout: then the peer counts as gone, exit 4; or until a
// stop); PUB never waits, ZeroMQ drops instead.
#include "endpoint/zmq/adapters.h"
#include "endpoint/zmq/frames.h"
#include "endpoint/zmq/socket.h"
#include "util/signals.h"

namespace gsmq::zmq_adapter {
namespace {

constexpr auto kPollSlice = std::chrono::milliseconds(100);

class ZmqSink : public Sink {
 public:
  ZmqSink(const Settings& settings, const EndpointOptions& options)
      : settings_(settings), socket_(open_socket(settings_, options.connect_timeout, options.diagnostics)) {}

  void send(Message message, Done done) override {
    const auto frames = to_frames(message, settings_);
    const auto deadline = settings_.timeout ? Clock::now() + *settings_.timeout : Clock::time_point::max();
    for (;;) {
      if (try_send(frames)) {
        SendResult ok;
        ok.id = message.id;
        ok.channel = message.channel.empty() ? settings_.channel : message.channel;
        return done(ok);
      }
      if (stop_requested()) return done(SendResult::failed(settings_.url + ": stopped while no ZeroMQ peer took the message"));
      const auto now = Clock::now();
      if (now >= deadline)
        return done(SendResult::unavailable(settings_.url + ": no ZeroMQ peer took the message within " +
                                            format_duration(*settings_.timeout)));
      const auto wait = std::min<Clock::duration>(deadline - now, kPollSlice);
      zmq_pollitem_t items[2] = {{socket_->socket.handle(), 0, ZMQ_POLLOUT, 0}, {nullptr, stop_fd(), ZMQ_POLLIN, 0}};
      poll_for(items, 2, std::chrono::duration_cast<Duration>(wait));
    }
  }

  // Everything was handed to libzmq in send(); what is still queued leaves when the
  // socket closes, within ?linger.
  bool flush(Clock::time_point) override { return true; }

 private:
  // All frames, or none: once libzmq took the first part of a multipart message it takes
  // the rest.
  bool try_send(const std::vector<std::string>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      const bool last = i + 1 == frames.size();
      auto flags = last ? zmq::send_flags::none : zmq::send_flags::sndmore;
      if (i == 0) flags = flags | zmq::send_flags::dontwait;
      if (!socket_->socket.send(zmq::buffer(frames[i]), flags)) return false;  // only the first can be refused
    }
    return true;
  }

  Settings settings_;
  std::unique_ptr<Socket> socket_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(const Settings& settings, const EndpointOptions& options) {
  return std::make_unique<ZmqSink>(settings, options);
}

}  // namespace gsmq::zmq_adapter
