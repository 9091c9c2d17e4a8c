#include "endpoint/netlines/source.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "endpoint/netlines/mapping.h"
#include "endpoint/netlines/socket.h"
#include "endpoint/ready_messages.h"
#include "endpoint/websocket/listener.h"
#include "util/signals.h"

namespace gsmq::endpoint::netlines {
namespace {

struct Peer {
  int fd = -1;
  std::unique_ptr<websocket::ClientPipe> pipe;  // lines+ws:// connected: owns fd
  std::string name;     // ADDRESS:PORT
  std::string pending;  // bytes after the last complete line
  uint64_t lines = 0;
};

class NetSource : public Source {
 public:
  NetSource(Settings settings, const EndpointOptions& options) : s_(std::move(settings)), options_(options) {
    if (!options_.diagnostics) options_.diagnostics = &fallback_;
    peer_key_ = s_.udp ? "udp.peer" : s_.websocket ? "ws.peer" : "tcp.peer";
    if (s_.listen && s_.websocket) {
      ws_listener_ = std::make_unique<websocket::Listener>(websocket::ListenOptions{
          .url_text = s_.url_text, .host = s_.host, .port = s_.port, .target = s_.ws_path, .tls = s_.tls,
          .framing = websocket::Framing::lines});
      listener_ = ws_listener_->ready_fd();
    } else if (s_.listen) {
      listener_ = listen_socket(s_);
    } else {
      Peer p;
      Stream stream = connect_stream(s_);
      p.fd = stream.fd;
      p.pipe = std::move(stream.pipe);
      p.name = s_.host + ":" + std::to_string(s_.port);
      peers_.push_back(std::move(p));
    }
  }

  ~NetSource() override {
    for (Peer& p : peers_) close_peer(p);
    if (listener_ >= 0 && !ws_listener_) ::close(listener_);
  }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (ready_.take(out)) return Status::message;
      if (!s_.listen && peers_.empty()) return Status::end;  // the peer closed the connection
      if (stop_requested()) return Status::stopped;
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      poll_once(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(100)));
    }
  }

  bool ready() const override { return !ready_.empty(); }

 private:
  void poll_once(Clock::duration wait) {
    std::vector<pollfd> fds;
    if (listener_ >= 0) fds.push_back({listener_, POLLIN, 0});
    for (const Peer& p : peers_) fds.push_back({p.fd, POLLIN, 0});
    const int ms = std::max<int>(1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
    if (poll(fds.data(), fds.size(), ms) <= 0) return;
    size_t k = 0;
    if (listener_ >= 0) {
      if (fds[0].revents & POLLIN) {
        if (ws_listener_) take_websockets();
        else if (s_.udp) receive_datagram();
        else accept_peer();
      }
      k = 1;
    }
    for (size_t i = 0; k < fds.size(); ++k, ++i)
      if (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) read_peer(i);
    std::erase_if(peers_, [](const Peer& p) { return p.fd < 0; });
  }

  void accept_peer() {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) return;
    Peer p;
    p.fd = fd;
    p.name = peer_text(&addr, len);
    peers_.push_back(std::move(p));
  }

  void take_websockets() {
    for (auto& a : ws_listener_->take()) {
      Peer p;
      p.fd = a.fd;
      p.name = std::move(a.peer);
      peers_.push_back(std::move(p));
    }
  }

  static void close_peer(Peer& p) {
    if (p.pipe) p.pipe.reset();
    else if (p.fd >= 0) ::close(p.fd);
    p.fd = -1;
  }

  void read_peer(size_t i) {
    Peer& p = peers_[i];
    char buf[65536];
    const ssize_t n = recv(p.fd, buf, sizeof buf, 0);
    if (n <= 0) {  // closed (or reset): what is left without a newline is the last line
      if (!p.pending.empty()) take_line(p, p.pending);
      close_peer(p);
      return;
    }
    p.pending.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = p.pending.find('\n', start)) != std::string::npos; start = nl + 1)
      take_line(p, std::string_view(p.pending).substr(start, nl - start));
    p.pending.erase(0, start);
    const size_t limit = options_.limits.max_body_bytes * 6 + (1u << 20);  // gsmq(7): as for input lines
    if (p.pending.size() > limit) {
      options_.diagnostics->bad_input(p.lines + 1, p.name + ": line longer than " + std::to_string(limit) +
                                                       " bytes; the connection is closed");
      close_peer(p);
    }
  }

  void receive_datagram() {
    std::string buf(65536, '\0');
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const ssize_t n = recvfrom(listener_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&addr), &len);
    if (n < 0) return;
    buf.resize(static_cast<size_t>(n));
    Peer p;
    p.name = peer_text(&addr, len);
    size_t start = 0;
    for (;;) {
      const size_t nl = buf.find('\n', start);
      take_line(p, std::string_view(buf).substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }

  void take_line(Peer& p, std::string_view line) {
    ++p.lines;
    std::string error;
    auto m = message_from_line(line, s_.envelope, s_.channel, peer_key_, p.name, options_.limits, error);
    if (m) ready_.push(std::move(*m));
    else if (!error.empty()) options_.diagnostics->bad_input(p.lines, p.name + ": " + error);
  }

  Settings s_;
  EndpointOptions options_;
  Diagnostics fallback_;
  std::string peer_key_;
  int listener_ = -1;  // a TCP or UDP socket, or ws_listener_'s ready descriptor
  std::unique_ptr<websocket::Listener> ws_listener_;
  std::vector<Peer> peers_;
  ReadyMessages ready_;
};

}  // namespace

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<NetSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::netlines
