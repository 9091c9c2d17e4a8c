#include "endpoint/zmq/socket.h"

#include <cerrno>
#include <cstring>

#include "util/signals.h"

namespace gsmq::endpoint::zmq {
namespace {

::zmq::socket_type socket_type(Pattern pattern) {
  switch (pattern) {
    case Pattern::push: return ::zmq::socket_type::push;
    case Pattern::pull: return ::zmq::socket_type::pull;
    case Pattern::pub: return ::zmq::socket_type::xpub;  // a PUB that shows the subscriptions (sink.cpp)
    case Pattern::sub: return ::zmq::socket_type::sub;
  }
  return ::zmq::socket_type::pull;
}

int milliseconds(Duration d) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

// Watches connection events of `socket` until it is connected; false on `deadline`, or
// when `refused` was seen and `stop_at_refusal` is set.
class ConnectWatch {
 public:
  ConnectWatch(::zmq::context_t& context, ::zmq::socket_t& socket) : socket_(socket), pair_(context, ::zmq::socket_type::pair) {
    const std::string name = "inproc://gsmq-zmq-monitor-" + std::to_string(reinterpret_cast<uintptr_t>(this));
    if (zmq_socket_monitor(socket_.handle(), name.c_str(), ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED) != 0)
      throw ::zmq::error_t();
    pair_.connect(name);
  }
  ~ConnectWatch() { zmq_socket_monitor(socket_.handle(), nullptr, 0); }

  enum class Result { connected, refused, timeout };
  Result wait(Clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 || stop_requested()) return Result::timeout;
      zmq_pollitem_t item{pair_.handle(), 0, ZMQ_POLLIN, 0};
      poll_for(&item, 1, std::chrono::milliseconds(std::min<int64_t>(left, 100)));
      if (!(item.revents & ZMQ_POLLIN)) continue;
      ::zmq::message_t event, address;
      if (!pair_.recv(event) || !pair_.recv(address)) continue;
      uint16_t id = 0;
      if (event.size() >= sizeof id) std::memcpy(&id, event.data(), sizeof id);
      if (id == ZMQ_EVENT_CONNECTED) return Result::connected;
      if (id == ZMQ_EVENT_CONNECT_RETRIED) return Result::refused;
    }
  }

 private:
  ::zmq::socket_t& socket_;
  ::zmq::socket_t pair_;
};

}  // namespace

void poll_for(zmq_pollitem_t* items, size_t count, Duration timeout) {
  try {
    ::zmq::poll(items, count, std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  } catch (const ::zmq::error_t& e) {
    if (e.num() != EINTR) throw;
    for (size_t i = 0; i < count; ++i) items[i].revents = 0;
  }
}

Socket::~Socket() {
  // The socket first (its linger applies), then the context, which waits for it.
  socket.close();
  context.close();
}

std::unique_ptr<Socket> open_socket(const Settings& s, Diagnostics* diagnostics) {
  auto out = std::make_unique<Socket>();
  try {
    out->socket = ::zmq::socket_t(out->context, socket_type(s.pattern));
    auto& socket = out->socket;
    socket.set(::zmq::sockopt::linger, milliseconds(s.linger));
    socket.set(::zmq::sockopt::sndhwm, s.hwm);
    socket.set(::zmq::sockopt::rcvhwm, s.hwm);
    socket.set(::zmq::sockopt::reconnect_ivl, 100);
    socket.set(::zmq::sockopt::reconnect_ivl_max, 10'000);
    if (s.ipv6) socket.set(::zmq::sockopt::ipv6, 1);
    // A PUSH socket queues only to connected peers: while none is there, sends block
    // (back-pressure) instead of filling a queue that may never be delivered.
    if (s.pattern == Pattern::push) socket.set(::zmq::sockopt::immediate, 1);
    if (s.pattern == Pattern::sub) socket.set(::zmq::sockopt::subscribe, s.topic);
  } catch (const ::zmq::error_t& e) {
    throw Error(ErrorKind::internal, s.url + ": cannot create a ZeroMQ socket: " + e.what());
  }

  if (s.bind) {
    try {
      out->socket.bind(s.address);
    } catch (const ::zmq::error_t& e) {
      throw Error(ErrorKind::unavailable, s.url + ": cannot bind " + s.address + ": " + e.what());
    }
    return out;
  }

  ConnectWatch watch(out->context, out->socket);
  try {
    out->socket.connect(s.address);
  } catch (const ::zmq::error_t& e) {
    throw Error(ErrorKind::unavailable, s.url + ": cannot connect to " + s.address + ": " + e.what());
  }
  auto result = watch.wait(Clock::now() + s.connect_timeout);
  if (result == ConnectWatch::Result::connected) return out;
  const std::string why = result == ConnectWatch::Result::refused
                              ? "nothing accepts ZeroMQ connections at " + s.address
                              : "no ZeroMQ connection to " + s.address + " within " + format_duration(s.connect_timeout);
  if (!s.retry) throw Error(ErrorKind::unavailable, s.url + ": " + why);
  if (diagnostics) diagnostics->warn("zmq: " + why + "; waiting for it (?retry)");
  while (!stop_requested()) {
    if (watch.wait(Clock::now() + std::chrono::seconds(1)) == ConnectWatch::Result::connected) return out;
  }
  throw Error(ErrorKind::unavailable, s.url + ": " + why + "; stopped");
}

}  // namespace gsmq::endpoint::zmq
