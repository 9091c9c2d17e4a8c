// One STOMP 1.2 connection over TCP, owned by one I/O thread: connect (with a timeout),
// CONNECT and CONNECTED (heart-beats negotiated), then frames read and handed to the
// adapter, frames queued by any thread written, heart-beats sent and watched; when the
// connection drops, a reconnect under the shared retry policy (endpoint/reconnect.h).
// stomp+ws:// and stomp+wss:// read and write the same bytes through a WebSocket pipe.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "endpoint/stomp/frame.h"
#include "endpoint/stomp/settings.h"
#include "endpoint/waker.h"
#include "endpoint/websocket/client_pipe.h"
#include "util/error.h"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace gsmq::endpoint::stomp {

class Connection {
 public:
  struct Hooks {
    // After each connect: `first` on the thread that called start(), else on the I/O thread.
    std::function<void(bool first)> connected;
    // Every frame but CONNECTED and the DISCONNECT receipt, on the I/O thread.
    std::function<void(const Frame&)> frame;
    // The connection dropped (why), before reconnecting; on the I/O thread.
    std::function<void(const std::string&)> lost;
    // Reconnecting was given up (why); on the I/O thread, which then ends.
    std::function<void(const std::string&)> gave_up;
  };

  Connection(const Settings& settings, Diagnostics* diagnostics) : settings_(settings), diagnostics_(diagnostics) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The first connect: once, or with ?retry until it works (a refused login is final).
  // Throws Error: unavailable (no broker, not STOMP), refused (the broker's ERROR).
  void start(Hooks hooks);

  // Queues a frame on the current connection; false while there is none (then the
  // adapter sends what it needs again from its connected hook).
  bool send(const Frame& frame);

  // Says DISCONNECT and waits (bounded) for its receipt, so that what was queued before
  // (acks) reached the broker; then closes. Idempotent.
  void stop();

  void warn(const std::string& what) const;

 private:
  std::optional<std::string> open(ErrorKind& kind);
  std::optional<std::string> open_websocket(ErrorKind& kind);
  // CONNECT and the broker's CONNECTED (or ERROR: `kind` refused).
  std::optional<std::string> handshake(ErrorKind& kind, Clock::time_point deadline);
  void close_socket();
  void run();
  bool restore();
  bool flush(std::string& why);
  bool receive(std::string& why);
  std::optional<std::string> start_tls(Clock::time_point deadline);
  // send(2)/recv(2), or through TLS: -1 with errno EAGAIN when it would block.
  ssize_t io_send(const char* data, size_t size);
  ssize_t io_recv(char* data, size_t size);

  const Settings& settings_;
  Diagnostics* diagnostics_;
  Hooks hooks_;
  Waker waker_;
  std::thread io_;

  // The I/O thread's (and open()'s, before it starts).
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;  // stomps://: made at the first connect, kept
  SSL* ssl_ = nullptr;
  std::unique_ptr<websocket::ClientPipe> pipe_;  // stomp+ws(s)://: fd_ is its descriptor
  FrameParser parser_;
  Clock::time_point last_read_, last_write_, lost_since_;
  Duration send_every_{0}, expect_every_{0};
  bool disconnected_ = false;  // our DISCONNECT's receipt came
  std::optional<Clock::time_point> stop_by_;  // closing: wait for that receipt until then

  std::mutex mutex_;
  std::string out_;             // bytes queued for the current connection
  bool connected_ = false;
  bool stopping_ = false;
  bool disconnect_queued_ = false;
};

}  // namespace gsmq::endpoint::stomp
