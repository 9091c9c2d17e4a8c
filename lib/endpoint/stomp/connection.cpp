#include "endpoint/stomp/connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include "endpoint/reconnect.h"
#include "util/program_name.h"
#include "util/signals.h"

namespace gsmq::endpoint::stomp {
namespace {

constexpr auto kIdleWait = std::chrono::milliseconds(200);
constexpr const char* kDisconnectReceipt = "gsmq-disconnect";

int64_t ms(Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// Waits until `fd` is ready for `events` or `deadline`; false on timeout.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
    if (n > 0) return true;
    if (stop_requested()) return false;
  }
}

// "cx,cy" of a heart-beat header; zeros when absent or bad.
std::pair<int64_t, int64_t> heart_beat(const std::optional<std::string>& header) {
  if (!header) return {0, 0};
  const auto comma = header->find(',');
  if (comma == std::string::npos) return {0, 0};
  try {
    return {std::stoll(header->substr(0, comma)), std::stoll(header->substr(comma + 1))};
  } catch (...) {
    return {0, 0};
  }
}

}  // namespace

void Connection::warn(const std::string& what) const {
  if (diagnostics_) diagnostics_->warn(settings_.url_text + ": " + what);
  else std::fprintf(stderr, "%s: %s: %s\n", program_name().c_str(), settings_.url_text.c_str(), what.c_str());
}

Connection::~Connection() {
  stop();
  if (ctx_) SSL_CTX_free(ctx_);
}

std::optional<std::string> Connection::start_tls(Clock::time_point deadline) {
  const TlsOptions& t = settings_.tls;
  auto openssl_error = [] {
    const unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return e ? std::string(buf) : std::string("unknown TLS error");
  };
  if (!ctx_) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) return "cannot make a TLS context: " + openssl_error();
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    if (!t.ca_file.empty() ? SSL_CTX_load_verify_locations(ctx_, t.ca_file.c_str(), nullptr) != 1
                           : SSL_CTX_set_default_verify_paths(ctx_) != 1)
      return "cannot read the CA certificates " + t.ca_file + ": " + openssl_error();
    if (!t.cert_file.empty() && (SSL_CTX_use_certificate_chain_file(ctx_, t.cert_file.c_str()) != 1 ||
                                 SSL_CTX_use_PrivateKey_file(ctx_, t.key_file.c_str(), SSL_FILETYPE_PEM) != 1))
      return "cannot read the client certificate " + t.cert_file + " or its key: " + openssl_error();
    SSL_CTX_set_verify(ctx_, t.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  }
  ssl_ = SSL_new(ctx_);
  if (!ssl_) return "cannot start TLS: " + openssl_error();
  SSL_set_fd(ssl_, fd_);
  SSL_set_mode(ssl_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
  in6_addr ip{};
  const bool is_ip = ::inet_pton(AF_INET, t.server_name.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, t.server_name.c_str(), &ip) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(ssl_, t.server_name.c_str());
  if (!t.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, t.server_name.c_str());
    else X509_VERIFY_PARAM_set1_host(param, t.server_name.c_str(), 0);
  }
  for (;;) {
    ERR_clear_error();
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return std::nullopt;
    const int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait_fd(fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
        return "no TLS handshake within " + format_duration(settings_.connect_timeout);
      continue;
    }
    const long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) return std::string("TLS: the broker's certificate: ") + X509_verify_cert_error_string(verify);
    return "TLS handshake failed: " + openssl_error();
  }
}

ssize_t Connection::io_send(const char* data, size_t size) {
  if (!ssl_) return ::send(fd_, data, size, MSG_NOSIGNAL);
  ERR_clear_error();
  const int n = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(size, 1 << 20)));
  if (n > 0) return n;
  const int err = SSL_get_error(ssl_, n);
  errno = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? EAGAIN : EPIPE;
  return -1;
}

ssize_t Connection::io_recv(char* data, size_t size) {
  if (!ssl_) return ::recv(fd_, data, size, 0);
  ERR_clear_error();
  const int n = SSL_read(ssl_, data, static_cast<int>(size));
  if (n > 0) return n;
  const int err = SSL_get_error(ssl_, n);
  if (err == SSL_ERROR_ZERO_RETURN) return 0;
  errno = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? EAGAIN : ECONNRESET;
  return -1;
}

void Connection::close_socket() {
  if (ssl_) SSL_free(ssl_);
  ssl_ = nullptr;
  if (pipe_) pipe_.reset();  // it owns fd_
  else if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::lock_guard lock(mutex_);
  connected_ = false;
  out_.clear();
}

std::optional<std::string> Connection::open(ErrorKind& kind) {
  kind = ErrorKind::unavailable;
  close_socket();
  const auto deadline = Clock::now() + settings_.connect_timeout;
  if (settings_.websocket) {
    if (auto failure = open_websocket(kind)) return failure;
    return handshake(kind, deadline);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(settings_.host.c_str(), std::to_string(settings_.port).c_str(), &hints, &found); rc != 0)
    return std::string("cannot resolve ") + settings_.host + ": " + gai_strerror(rc);
  std::string why = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd_ < 0) continue;
    if (::connect(fd_, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      if (wait_fd(fd_, POLLOUT, deadline)) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0) break;
        why = std::strerror(err);
      } else {
        why = "no answer within " + format_duration(settings_.connect_timeout);
      }
    } else {
      why = std::strerror(errno);
    }
    ::close(fd_);
    fd_ = -1;
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) return "cannot connect to " + settings_.host + ":" + std::to_string(settings_.port) + ": " + why;
  if (settings_.tls.enabled)
    if (auto failure = start_tls(deadline)) return *failure;
  return handshake(kind, deadline);
}

std::optional<std::string> Connection::open_websocket(ErrorKind& kind) {
  websocket::ClientOptions o;
  o.url_text = settings_.url_text;
  o.host = settings_.host;
  o.port = settings_.port;
  o.target = settings_.ws_path;
  o.subprotocol = "v12.stomp";
  o.tls = settings_.tls;
  o.connect_timeout = settings_.connect_timeout;
  o.framing = websocket::Framing::stream;
  std::string why;
  pipe_ = websocket::ClientPipe::open(o, why, kind);
  if (!pipe_) return why;
  fd_ = pipe_->fd();
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  return std::nullopt;
}

std::optional<std::string> Connection::handshake(ErrorKind& kind, Clock::time_point deadline) {
  // CONNECT (not escaped), then the broker's CONNECTED or ERROR.
  Frame connect{"CONNECT", {{"accept-version", "1.2"}, {"host", settings_.vhost}}, ""};
  if (!settings_.login.empty()) connect.add("login", settings_.login).add("passcode", settings_.passcode);
  const int64_t beat = ms(settings_.heartbeat);
  connect.add("heart-beat", std::to_string(beat) + "," + std::to_string(beat));
  std::string bytes = encode(connect);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = io_send(bytes.data() + written, bytes.size() - written);
    if (n > 0) written += static_cast<size_t>(n);
    else if (n < 0 && errno == EAGAIN && wait_fd(fd_, POLLOUT, deadline)) continue;
    else return std::string("cannot write CONNECT: ") + (n < 0 ? std::strerror(errno) : "closed");
  }
  parser_ = FrameParser{};
  Frame reply;
  for (;;) {
    const auto r = parser_.next(reply);
    if (r == FrameParser::Result::frame) break;
    if (r == FrameParser::Result::error) return "the peer does not speak STOMP (" + parser_.error() + ")";
    char buf[4096];
    const ssize_t n = io_recv(buf, sizeof buf);
    if (n < 0 && errno == EAGAIN) {
      if (!wait_fd(fd_, POLLIN, deadline)) return "no CONNECTED within " + format_duration(settings_.connect_timeout);
      continue;
    }
    if (n > 0) parser_.feed(std::string_view(buf, static_cast<size_t>(n)));
    else if (n == 0) return "the broker closed the connection before CONNECTED";
    else if (errno != EAGAIN && errno != EINTR) return std::string("cannot read: ") + std::strerror(errno);
  }
  if (reply.command == "ERROR") {
    kind = ErrorKind::refused;
    return "the broker refused the connection: " + reply.header("message").value_or("ERROR") +
           (reply.body.empty() ? "" : " (" + reply.body.substr(0, 200) + ")");
  }
  if (reply.command != "CONNECTED") return "expected CONNECTED, the broker sent " + reply.command;
  if (auto version = reply.header("version"); version && *version != "1.2")
    return "the broker speaks STOMP " + *version + ", not 1.2";
  const auto [sx, sy] = heart_beat(reply.header("heart-beat"));
  send_every_ = beat > 0 && sy > 0 ? std::chrono::milliseconds(std::max(beat, sy)) : Duration(0);
  expect_every_ = beat > 0 && sx > 0 ? std::chrono::milliseconds(std::max(beat, sx)) : Duration(0);
  last_read_ = last_write_ = Clock::now();
  disconnected_ = false;
  std::lock_guard lock(mutex_);
  connected_ = true;
  return std::nullopt;
}

void Connection::start(Hooks hooks) {
  hooks_ = std::move(hooks);
  ErrorKind kind = ErrorKind::unavailable;
  if (auto why = connect_first(
          settings_.retry.forever, [&]() { return open(kind); }, [&] { return kind == ErrorKind::refused; },
          [this](const std::string& w) { warn(w); }))
    throw Error(kind, settings_.url_text + ": " + *why);
  if (hooks_.connected) hooks_.connected(true);
  io_ = std::thread([this] { run(); });
}

bool Connection::send(const Frame& frame) {
  {
    std::lock_guard lock(mutex_);
    if (!connected_ || disconnect_queued_) return false;
    out_ += encode(frame);
  }
  waker_.wake();
  return true;
}

void Connection::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (connected_) {
      out_ += encode(Frame{"DISCONNECT", {{"receipt", kDisconnectReceipt}}, ""});
      disconnect_queued_ = true;
    }
  }
  waker_.wake();
  if (io_.joinable()) io_.join();
  close_socket();
}

bool Connection::flush(std::string& why) {
  std::lock_guard lock(mutex_);
  while (!out_.empty()) {
    const ssize_t n = io_send(out_.data(), out_.size());
    if (n > 0) {
      out_.erase(0, static_cast<size_t>(n));
      last_write_ = Clock::now();
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return true;
    } else {
      why = n < 0 ? std::strerror(errno) : "closed";
      return false;
    }
  }
  return true;
}

bool Connection::receive(std::string& why) {
  char buf[65536];
  for (;;) {
    const ssize_t n = io_recv(buf, sizeof buf);
    if (n > 0) {
      parser_.feed(std::string_view(buf, static_cast<size_t>(n)));
      last_read_ = Clock::now();
      continue;
    }
    if (n == 0) {
      why = "the broker closed the connection";
      if (pipe_)
        if (auto because = pipe_->ended_because(); !because.empty()) why = because;
      break;
    }
    if (errno == EAGAIN || errno == EINTR) break;
    why = std::strerror(errno);
    break;
  }
  Frame f;
  for (;;) {
    const auto r = parser_.next(f);
    if (r == FrameParser::Result::need_more) break;
    if (r == FrameParser::Result::error) {
      why = "the broker sent what is not STOMP (" + parser_.error() + ")";
      return false;
    }
    if (f.command == "RECEIPT" && f.header("receipt-id") == kDisconnectReceipt) {
      disconnected_ = true;
      continue;
    }
    if (hooks_.frame) hooks_.frame(f);
  }
  return why.empty();
}

void Connection::run() {
  for (;;) {
    waker_.clear();
    bool stopping;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
    }
    if (fd_ < 0) {
      if (stopping || !restore()) return;
      continue;
    }
    std::string why;
    if (!flush(why) || !receive(why)) {
      if (stopping) return;
      close_socket();
      lost_since_ = Clock::now();
      warn("connection lost (" + why + "); reconnecting");
      if (hooks_.lost) hooks_.lost(why);
      continue;
    }
    const auto now = Clock::now();
    if (stopping) {
      bool written;
      {
        std::lock_guard lock(mutex_);
        written = out_.empty();
      }
      // bounded: the DISCONNECT receipt, or 2 s
      if (!stop_by_) stop_by_ = now + std::chrono::seconds(2);
      if ((written && disconnected_) || now >= *stop_by_) return;
    }
    if (expect_every_.count() > 0 && now - last_read_ > 2 * expect_every_) {
      close_socket();
      lost_since_ = now;
      warn("connection lost (no heart-beat from the broker for " + format_duration(2 * expect_every_) + "); reconnecting");
      if (hooks_.lost) hooks_.lost("no heart-beat");
      continue;
    }
    Duration wait = kIdleWait;
    if (send_every_.count() > 0) {
      if (now - last_write_ >= send_every_) {
        std::lock_guard lock(mutex_);
        out_ += "\n";
        continue;
      }
      wait = std::min(wait, std::chrono::duration_cast<Duration>(send_every_ - (now - last_write_)));
    }
    bool want_write;
    {
      std::lock_guard lock(mutex_);
      want_write = !out_.empty();
    }
    pollfd fds[2] = {{waker_.fd(), POLLIN, 0}, {fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0}};
    ::poll(fds, 2, static_cast<int>(std::max<int64_t>(1, ms(wait))));
  }
}

bool Connection::restore() {
  ReconnectSteps steps;
  ErrorKind kind = ErrorKind::unavailable;
  steps.attempt = [&]() { return open(kind); };
  steps.wait = [&](Duration d) {
    const auto until = Clock::now() + d;
    while (Clock::now() < until) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  steps.failed = [&](uint64_t n, const std::string& why) {
    if ((n & (n - 1)) == 0) warn("cannot reconnect: " + why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  if (auto failure = reconnect(settings_.retry, lost_since_, steps)) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return false;
    }
    const std::string reason = "lost the connection to the STOMP broker and could not reconnect within " +
                               format_duration(settings_.retry.retry_for) + " (" + *failure + "; ?retry keeps trying)";
    warn(reason);
    if (hooks_.gave_up) hooks_.gave_up(reason);
    return false;
  }
  warn("reconnected");
  if (hooks_.connected) hooks_.connected(false);
  return true;
}

}  // namespace gsmq::endpoint::stomp
