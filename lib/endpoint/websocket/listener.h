// A WebSocket server (Boost.Beast) whose accepted connections are handed over as local
// sockets, like ClientPipe's: an adapter written for accepted TCP connections (poll,
// read lines) serves WebSocket clients unchanged. One thread accepts, upgrades (TLS
// first with ?cert/?key) and relays every connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "endpoint/tls.h"
#include "endpoint/websocket/client_pipe.h"

namespace gsmq::endpoint::websocket {

struct ListenOptions {
  std::string url_text;
  std::string host;          // "" = every interface
  uint16_t port = 0;
  std::string target;        // only upgrades of this path are taken ("" = any)
  TlsOptions tls;            // enabled: wss (cert and key; ca: clients must show a certificate)
  Framing framing = Framing::lines;
};

class Listener {
 public:
  // Throws Error: usage (unreadable certificate), unavailable (cannot listen).
  explicit Listener(const ListenOptions& options);
  ~Listener();  // closes every connection not taken, and the listening socket
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Readable while upgraded connections wait to be taken.
  int ready_fd() const;

  struct Accepted {
    int fd;             // the adapter's end; the adapter closes it (the WebSocket closes then)
    std::string peer;   // ADDRESS:PORT
  };
  std::vector<Accepted> take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gsmq::endpoint::websocket
