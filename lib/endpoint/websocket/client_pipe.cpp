#include "endpoint/websocket/client_pipe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "endpoint/websocket/relay.h"

namespace gsmq::endpoint::websocket {

namespace {

bool is_ip_literal(const std::string& host) {
  in6_addr ip{};
  return ::inet_pton(AF_INET, host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ip) == 1;
}

}  // namespace

struct ClientPipe::Impl {
  ClientOptions o;
  net::io_context ioc;
  std::optional<ssl::context> tls_context;
  std::unique_ptr<ws::stream<beast::tcp_stream>> plain;
  std::unique_ptr<ws::stream<beast::ssl_stream<beast::tcp_stream>>> secure;
  int far = -1;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable ended_cv;
  bool ended = false;
  std::string ended_because;  // under mutex

  explicit Impl(const ClientOptions& options) : o(options) {}

  ~Impl() {
    if (far >= 0) ::close(far);
  }

  // Runs one asynchronous operation to its end on this thread; its error.
  template <typename Start>
  error_code run(Start&& start) {
    error_code result = net::error::operation_aborted;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  std::string describe(const error_code& ec) const {
    if (ec == beast::error::timeout) return "no answer within " + format_duration(o.connect_timeout);
    return ec.message();
  }

  std::optional<std::string> make_tls_context() {
    tls_context.emplace(ssl::context::tls_client);
    auto& ctx = *tls_context;
    error_code ec;
    if (!o.tls.ca_file.empty()) ctx.load_verify_file(o.tls.ca_file, ec);
    else ctx.set_default_verify_paths(ec);
    if (ec) return "cannot read the CA certificates " + o.tls.ca_file + ": " + ec.message();
    if (!o.tls.cert_file.empty()) {
      ctx.use_certificate_chain_file(o.tls.cert_file, ec);
      if (!ec) ctx.use_private_key_file(o.tls.key_file, ssl::context::pem, ec);
      if (ec) return "cannot read the client certificate " + o.tls.cert_file + " or its key: " + ec.message();
    }
    ctx.set_verify_mode(o.tls.insecure ? ssl::verify_none : ssl::verify_peer);
    return std::nullopt;
  }

  // TCP connect, TLS, upgrade: the error of the step that failed.
  template <typename Ws>
  std::optional<std::string> connect(Ws& socket, const tcp::resolver::results_type& endpoints, ErrorKind& kind) {
    auto& lowest = beast::get_lowest_layer(socket);
    lowest.expires_after(o.connect_timeout);
    const std::string where = o.host + ":" + std::to_string(o.port);
    if (auto ec = run([&](auto h) { lowest.async_connect(endpoints, std::move(h)); }))
      return "cannot connect to " + where + ": " + describe(ec);
    if constexpr (!std::is_same_v<Ws, ws::stream<beast::tcp_stream>>) {
      SSL* ssl_handle = socket.next_layer().native_handle();
      if (!is_ip_literal(o.tls.server_name)) SSL_set_tlsext_host_name(ssl_handle, o.tls.server_name.c_str());
      if (!o.tls.insecure) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
        if (is_ip_literal(o.tls.server_name)) X509_VERIFY_PARAM_set1_ip_asc(param, o.tls.server_name.c_str());
        else X509_VERIFY_PARAM_set1_host(param, o.tls.server_name.c_str(), 0);
      }
      if (auto ec = run([&](auto h) { socket.next_layer().async_handshake(ssl::stream_base::client, std::move(h)); })) {
        const long verify = SSL_get_verify_result(ssl_handle);
        if (verify != X509_V_OK) return std::string("TLS: the server's certificate: ") + X509_verify_cert_error_string(verify);
        return "TLS handshake with " + where + " failed: " + describe(ec);
      }
    }
    const std::string subprotocol = o.subprotocol;
    socket.set_option(ws::stream_base::decorator([subprotocol](ws::request_type& req) {
      req.set(bhttp::field::user_agent, "gsmq");
      if (!subprotocol.empty()) req.set(bhttp::field::sec_websocket_protocol, subprotocol);
    }));
    ws::response_type answer;
    const std::string host_header = (o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host) + ":" +
                                    std::to_string(o.port);
    if (auto ec = run([&](auto h) { socket.async_handshake(answer, host_header, o.target, std::move(h)); })) {
      if (ec == ws::error::upgrade_declined) {
        const unsigned status = answer.result_int();
        if (status == 401 || status == 403) kind = ErrorKind::refused;
        return "the server refused the WebSocket upgrade of " + o.target + ": HTTP " + std::to_string(status) + " " +
               std::string(answer.reason());
      }
      return "no WebSocket upgrade of " + o.target + " at " + where + ": " + describe(ec);
    }
    lowest.expires_never();
    return std::nullopt;
  }

  // Hands the WebSocket to a relay whose near end is a new socket pair; false (errno)
  // when there is none.
  template <typename Ws>
  bool start_relay(std::unique_ptr<Ws>& socket) {
    local::socket near(ioc);
    far = make_pair(near);
    if (far < 0) return false;
    std::make_shared<Relay<Ws>>(std::move(socket), std::move(near), o.framing, [this](std::string why) {
      std::lock_guard lock(mutex);
      ended_because = std::move(why);
    })->start();
    return true;
  }

  void run_relay() {
    ioc.restart();
    ioc.run();
    std::lock_guard lock(mutex);
    ended = true;
    ended_cv.notify_all();
  }
};

int make_pair(local::socket& near) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return -1;
  near.assign(local(), fds[0]);
  return fds[1];
}

ClientPipe::ClientPipe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<ClientPipe> ClientPipe::open(const ClientOptions& options, std::string& why, ErrorKind& kind) {
  kind = ErrorKind::unavailable;
  auto impl = std::make_unique<Impl>(options);
  auto fail = [&](std::string what) {
    why = std::move(what);
    return nullptr;
  };
  tcp::resolver resolver(impl->ioc);
  error_code ec;
  const auto endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec) return fail("cannot resolve " + options.host + ": " + ec.message());
  std::optional<std::string> failure;
  if (options.tls.enabled) {
    if ((failure = impl->make_tls_context())) return fail(*failure);
    impl->secure = std::make_unique<ws::stream<beast::ssl_stream<beast::tcp_stream>>>(impl->ioc, *impl->tls_context);
    failure = impl->connect(*impl->secure, endpoints, kind);
  } else {
    impl->plain = std::make_unique<ws::stream<beast::tcp_stream>>(impl->ioc);
    failure = impl->connect(*impl->plain, endpoints, kind);
  }
  if (failure) return fail(*failure);
  if (!(impl->secure ? impl->start_relay(impl->secure) : impl->start_relay(impl->plain)))
    return fail("socketpair: " + std::string(std::strerror(errno)));
  Impl* p = impl.get();
  impl->thread = std::thread([p] { p->run_relay(); });
  return std::make_unique<ClientPipe>(std::move(impl));
}

int ClientPipe::fd() const { return impl_->far; }

std::string ClientPipe::ended_because() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ended_because;
}

ClientPipe::~ClientPipe() {
  ::shutdown(impl_->far, SHUT_WR);
  {
    std::unique_lock lock(impl_->mutex);
    impl_->ended_cv.wait_for(lock, std::chrono::seconds(2), [this] { return impl_->ended; });
  }
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace gsmq::endpoint::websocket
