#include "endpoint/amqp/connection.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include "endpoint/amqp/wire.h"
#include "endpoint/reconnect.h"

namespace gsmq::endpoint::amqp {
namespace {

timeval timeval_of(Duration d) {
  const auto us = d.count();
  return timeval{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}

// Reply codes that mean "not you": a refused login or virtual host.
bool refusal_code(uint16_t code) { return code == AMQP_ACCESS_REFUSED || code == AMQP_NOT_ALLOWED; }

}  // namespace

std::string Connection::close_text(uint16_t code, amqp_bytes_t text) {
  return std::to_string(code) + " " + text_of(text);
}

std::optional<std::string> Connection::open(ErrorKind& kind) {
  drop();
  std::string why;
  const size_t n = settings_.brokers.size();
  const size_t first = opened_once_ ? (current_ + 1) % n : 0;
  for (size_t k = 0; k < n; ++k) {
    const size_t index = (first + k) % n;
    ErrorKind this_kind = ErrorKind::unavailable;
    auto failure = open_one(settings_.brokers[index], this_kind);
    if (!failure) {
      current_ = index;
      opened_once_ = true;
      return std::nullopt;
    }
    drop();
    why += (why.empty() ? "" : "; ") + settings_.brokers[index].text() + ": " + *failure;
    kind = this_kind;
    if (this_kind == ErrorKind::refused) return why;  // the same credentials elsewhere: as refused
  }
  return why;
}

std::optional<std::string> Connection::open_one(const Broker& b, ErrorKind& kind) {
  state_ = amqp_new_connection();
  if (!state_) return "out of memory";
  amqp_socket_t* socket = nullptr;
  if (settings_.tls.enabled) {
    socket = amqp_ssl_socket_new(state_);
    if (!socket) return "cannot create a TLS socket";
    if (!settings_.tls.ca_file.empty() && amqp_ssl_socket_set_cacert(socket, settings_.tls.ca_file.c_str()) != AMQP_STATUS_OK)
      return "cannot read the CA certificates " + settings_.tls.ca_file;
    if (!settings_.tls.cert_file.empty() &&
        amqp_ssl_socket_set_key(socket, settings_.tls.cert_file.c_str(), settings_.tls.key_file.c_str()) != AMQP_STATUS_OK)
      return "cannot read the client certificate " + settings_.tls.cert_file + " or its key";
    amqp_ssl_socket_set_verify_peer(socket, settings_.tls.insecure ? 0 : 1);
    // rabbitmq-c 0.11 matches host names only: an IP address is checked by OpenSSL itself
    in6_addr ip{};
    const bool is_ip = ::inet_pton(AF_INET, b.host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, b.host.c_str(), &ip) == 1;
    amqp_ssl_socket_set_verify_hostname(socket, settings_.tls.insecure || is_ip ? 0 : 1);
    if (is_ip && !settings_.tls.insecure) {
      auto* ctx = static_cast<SSL_CTX*>(amqp_ssl_socket_get_context(socket));
      if (!ctx || X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), b.host.c_str()) != 1)
        return "cannot set up the verification of the broker's address " + b.host;
    }
  } else {
    socket = amqp_tcp_socket_new(state_);
    if (!socket) return "cannot create a socket";
  }
  timeval tv = timeval_of(settings_.connect_timeout);
  if (int rc = amqp_socket_open_noblock(socket, b.host.c_str(), b.port, &tv); rc != AMQP_STATUS_OK)
    return std::string("cannot connect: ") + amqp_error_string2(rc);
  amqp_set_handshake_timeout(state_, &tv);
  amqp_set_rpc_timeout(state_, &tv);
  const int heartbeat = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(settings_.heartbeat).count());
  amqp_rpc_reply_t r = amqp_login(state_, settings_.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, heartbeat,
                                  AMQP_SASL_METHOD_PLAIN, settings_.user.c_str(), settings_.password.c_str());
  if (auto f = failure(r, &kind)) {
    if (kind == ErrorKind::refused || (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
                                       r.library_error == AMQP_STATUS_CONNECTION_CLOSED)) {
      // RabbitMQ closes the connection on bad credentials (authentication_failure_close)
      kind = ErrorKind::refused;
      return "login as \"" + settings_.user + "\" to virtual host \"" + settings_.vhost + "\" refused (" + *f + ")";
    }
    return "login failed: " + *f;
  }
  amqp_channel_open(state_, kChannel);
  if (auto f = last_failure(&kind)) return "cannot open a channel: " + *f;
  return std::nullopt;
}

std::optional<std::string> Connection::failure(const amqp_rpc_reply_t& r, ErrorKind* kind) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL: return std::nullopt;
    case AMQP_RESPONSE_NONE: return "no reply from the broker";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return std::string(amqp_error_string2(r.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_connection_close_t*>(r.reply.decoded);
        if (kind && refusal_code(m->reply_code)) *kind = ErrorKind::refused;
        const std::string text = close_text(m->reply_code, m->reply_text);
        amqp_connection_close_ok_t ok{};
        amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        return text;
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
        if (kind && refusal_code(m->reply_code)) *kind = ErrorKind::refused;
        const std::string text = close_text(m->reply_code, m->reply_text);
        amqp_channel_close_ok_t ok{};
        amqp_send_method(state_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        return text;
      }
      return "unexpected method " + std::to_string(r.reply.id) + " from the broker";
  }
  return "unknown reply";
}

std::optional<std::string> Connection::reopen_channel() {
  amqp_channel_open(state_, kChannel);
  if (auto f = last_failure()) return "cannot open the channel again: " + *f;
  return std::nullopt;
}

Connection::Read Connection::read(amqp_frame_t& frame, std::string& why) {
  timeval zero{0, 0};
  const int rc = amqp_simple_wait_frame_noblock(state_, &frame, &zero);
  if (rc == AMQP_STATUS_OK) return Read::frame;
  if (rc == AMQP_STATUS_TIMEOUT) return Read::none;
  why = amqp_error_string2(rc);
  return Read::failed;
}

std::optional<std::string> Connection::read_content(amqp_message_t& message) {
  amqp_rpc_reply_t r = amqp_read_message(state_, kChannel, &message, 0);
  return failure(r);
}

std::string Connection::on_channel_close(const amqp_frame_t& frame) {
  const auto* m = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
  const std::string text = close_text(m->reply_code, m->reply_text);
  amqp_channel_close_ok_t ok{};
  amqp_send_method(state_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
  return text;
}

std::string Connection::on_connection_close(const amqp_frame_t& frame) {
  const auto* m = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
  const std::string text = close_text(m->reply_code, m->reply_text);
  amqp_connection_close_ok_t ok{};
  amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
  drop();
  return text;
}

void Connection::wait(int wake_fd, Duration timeout) {
  if (state_ && (amqp_frames_enqueued(state_) || amqp_data_in_buffer(state_))) return;
  pollfd fds[2] = {{wake_fd, POLLIN, 0}, {state_ ? amqp_get_sockfd(state_) : -1, POLLIN, 0}};
  const int ms = static_cast<int>(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
  ::poll(fds, fds[1].fd >= 0 ? 2 : 1, ms);
}

void Connection::close() {
  if (!state_) return;
  amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  drop();
}

void Connection::drop() {
  if (!state_) return;
  amqp_destroy_connection(state_);
  state_ = nullptr;
}

std::optional<std::string> open_and_setup(Connection& conn, const Setup& setup, ErrorKind& kind) {
  kind = ErrorKind::unavailable;
  if (auto why = conn.open(kind)) return why;
  if (auto why = setup(conn, kind)) {
    conn.drop();
    return conn.broker().text() + ": " + *why;
  }
  return std::nullopt;
}

void connect_at_start(Connection& conn, const Settings& settings, const Setup& setup,
                      const std::function<void(const std::string&)>& warn) {
  ErrorKind kind = ErrorKind::unavailable;
  if (auto why = connect_first(
          settings.retry.forever, [&]() { return open_and_setup(conn, setup, kind); },
          [&] { return kind == ErrorKind::refused; }, warn))
    throw Error(kind, settings.url_text + ": cannot connect to the AMQP broker: " + *why);
}

std::optional<std::string> reconnect_after_loss(Connection& conn, const Settings& settings, Clock::time_point since,
                                                const Setup& setup, const std::function<bool(Duration)>& wait,
                                                const std::function<void(const std::string&)>& warn) {
  ErrorKind kind = ErrorKind::unavailable;
  ReconnectSteps steps;
  steps.attempt = [&]() { return open_and_setup(conn, setup, kind); };
  steps.wait = wait;
  steps.failed = [&](uint64_t n, const std::string& why) {
    if ((n & (n - 1)) == 0) warn("cannot reconnect: " + why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  return reconnect(settings.retry, since, steps);
}

}  // namespace gsmq::endpoint::amqp
