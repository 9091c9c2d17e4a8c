#include "endpoint/netlines/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "endpoint/reconnect.h"

namespace gsmq::endpoint::netlines {
namespace {

struct AddrInfo {
  addrinfo* list = nullptr;
  ~AddrInfo() {
    if (list) freeaddrinfo(list);
  }
};

void resolve(const Settings& s, bool passive, AddrInfo& out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = s.udp ? SOCK_DGRAM : SOCK_STREAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  const std::string port = std::to_string(s.port);
  const int rc = getaddrinfo(s.host.empty() ? nullptr : s.host.c_str(), port.c_str(), &hints, &out.list);
  if (rc != 0) throw Error(ErrorKind::unavailable, s.url_text + ": " + s.host + ": " + gai_strerror(rc));
}

// One connect attempt within the timeout; -1 with `why` set on failure.
int try_connect(const Settings& s, std::string& why) {
  AddrInfo ai;
  resolve(s, false, ai);
  for (addrinfo* a = ai.list; a; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (s.udp) {
      if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) return fd;
      why = std::strerror(errno);
      close(fd);
      continue;
    }
    const int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(s.connect_timeout).count());
      if (poll(&p, 1, ms) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        errno = err;
      } else {
        errno = ETIMEDOUT;
      }
    }
    if (rc == 0) {
      fcntl(fd, F_SETFL, flags);
      return fd;
    }
    why = std::strerror(errno);
    close(fd);
  }
  return -1;
}

}  // namespace

int connect_socket(const Settings& s) {
  int fd = -1;
  ReconnectSteps steps;
  steps.attempt = [&]() -> std::optional<std::string> {
    std::string why = "no address";
    fd = try_connect(s, why);
    if (fd >= 0) return std::nullopt;
    return "cannot connect to " + s.host + ":" + std::to_string(s.port) + ": " + why;
  };
  if (auto failure = reconnect(RetryPolicy{s.retry, Duration(0)}, Clock::now(), steps))
    throw Error(ErrorKind::unavailable, s.url_text + ": " + *failure);
  return fd;
}

void Stream::close() {
  if (pipe) pipe.reset();
  else if (fd >= 0) ::close(fd);
  fd = -1;
}

Stream connect_stream(const Settings& s) {
  if (!s.websocket) return Stream{connect_socket(s), nullptr};
  websocket::ClientOptions o;
  o.url_text = s.url_text;
  o.host = s.host;
  o.port = s.port;
  o.target = s.ws_path;
  o.tls = s.tls;
  o.connect_timeout = s.connect_timeout;
  o.framing = websocket::Framing::lines;
  Stream out;
  ErrorKind kind = ErrorKind::unavailable;
  auto attempt = [&]() -> std::optional<std::string> {
    std::string why;
    out.pipe = websocket::ClientPipe::open(o, why, kind);
    if (out.pipe) return std::nullopt;
    return why;
  };
  if (auto failure = connect_first(s.retry, attempt, [&] { return kind == ErrorKind::refused; }, [](const std::string&) {}))
    throw Error(kind, s.url_text + ": " + *failure);
  out.fd = out.pipe->fd();
  return out;
}

int listen_socket(const Settings& s) {
  AddrInfo ai;
  resolve(s, true, ai);
  std::string why = "no address";
  for (addrinfo* a = ai.list; a; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && (s.udp || listen(fd, 128) == 0)) {
      if (s.udp) {
        const int size = 4 * 1024 * 1024;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
      }
      return fd;
    }
    why = std::strerror(errno);
    close(fd);
  }
  throw Error(ErrorKind::unavailable, s.url_text + ": cannot listen on port " + std::to_string(s.port) + ": " + why);
}

std::string peer_text(const void* addr, unsigned length) {
  char host[NI_MAXHOST] = "", port[NI_MAXSERV] = "";
  if (getnameinfo(static_cast<const sockaddr*>(addr), length, host, sizeof host, port, sizeof port,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  const bool v6 = std::strchr(host, ':') != nullptr;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + port;
}

}  // namespace gsmq::endpoint::netlines
