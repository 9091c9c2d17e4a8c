// A WebSocket client connection (ws:// or wss://, on Boost.Beast) carried as a local
// socket, so that an adapter written for a byte stream on a descriptor (its own poll
// loop, non-blocking reads and writes) runs over WebSocket unchanged: stomp+ws:// (the
// STOMP codec reads the bytes) and lines+ws:// (a line per message). One thread per
// connection relays between the descriptor and the WebSocket.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "endpoint/tls.h"
#include "util/duration.h"
#include "util/error.h"

namespace gsmq::endpoint::websocket {

enum class Framing {
  stream,  // bytes written go out as binary messages as they come; messages read become bytes
  lines,   // each line written ("\n" ends it) is one text message; each message read is a line
};

struct ClientOptions {
  std::string url_text;       // for messages
  std::string host;
  uint16_t port = 80;
  std::string target = "/";   // the HTTP path of the upgrade request
  std::string subprotocol;    // Sec-WebSocket-Protocol, or empty
  TlsOptions tls;             // enabled: wss
  Duration connect_timeout = std::chrono::seconds(5);
  Framing framing = Framing::stream;
};

class ClientPipe {
 public:
  // Connects, TLS handshake (wss), upgrade; then relays. nullptr with `why` (which step
  // failed) and `kind` (unavailable; refused for an HTTP 401/403 answer).
  static std::unique_ptr<ClientPipe> open(const ClientOptions& options, std::string& why, ErrorKind& kind);

  // The caller's end (AF_UNIX, SOCK_STREAM, blocking until the caller sets O_NONBLOCK).
  // It reads EOF when the WebSocket closed; writes fail (EPIPE) after that. The pipe owns
  // it: do not close it.
  int fd() const;

  // Why the WebSocket ended, once the descriptor read EOF: "" for a close by the peer.
  std::string ended_because() const;

  // Ends the caller's writing: what was written goes out, then a WebSocket close; waits
  // for that (2 s at most), then closes the descriptor.
  ~ClientPipe();

  struct Impl;
  explicit ClientPipe(std::unique_ptr<Impl> impl);
  ClientPipe(const ClientPipe&) = delete;
  ClientPipe& operator=(const ClientPipe&) = delete;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gsmq::endpoint::websocket
