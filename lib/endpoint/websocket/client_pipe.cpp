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

#include "envelope/utf8.h"

namespace gsmq::endpoint::websocket {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace ws = boost::beast::websocket;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using local = boost::asio::local::stream_protocol;
using error_code = boost::system::error_code;

namespace {

bool is_ip_literal(const std::string& host) {
  in6_addr ip{};
  return ::inet_pton(AF_INET, host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ip) == 1;
}

// Moves bytes between the caller's descriptor (`near` is our end of it) and the
// WebSocket, one read and one write outstanding each way at most (back-pressure both
// ways); all on the pipe's thread.
template <typename Ws>
class Relay {
 public:
  Relay(Ws& socket, local::socket& near, Framing framing, std::function<void(std::string)> ended)
      : ws_(socket), near_(near), framing_(framing), ended_(std::move(ended)) {}

  void start() {
    read_ws();
    read_near();
  }

 private:
  void read_ws() {
    ws_.async_read(in_, [this](error_code ec, size_t) {
      if (ec) return ws_gone(ec);
      to_near_ = beast::buffers_to_string(in_.data());
      in_.consume(in_.size());
      if (framing_ == Framing::lines) to_near_.push_back('\n');
      net::async_write(near_, net::buffer(to_near_), [this](error_code e, size_t) {
        if (!e) read_ws();
      });
    });
  }

  void read_near() {
    near_.async_read_some(net::buffer(buf_), [this](error_code ec, size_t n) {
      if (ec) {  // the caller is done writing: the rest, then a close
        if (!partial_.empty()) outgoing_.push_back(std::move(partial_));
        near_done_ = true;
        return write_next();
      }
      if (framing_ == Framing::stream) {
        outgoing_.emplace_back(buf_.data(), n);
      } else {
        partial_.append(buf_.data(), n);
        size_t start = 0;
        for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
          outgoing_.push_back(partial_.substr(start, nl - start));
        partial_.erase(0, start);
      }
      write_next();
    });
  }

  void write_next() {
    if (outgoing_.empty()) {
      if (!near_done_) return read_near();
      ws_.async_close(ws::close_code::normal, [this](error_code) { shut(); });
      return;
    }
    ws_.binary(framing_ == Framing::stream || !is_valid_utf8(outgoing_.front()));
    ws_.async_write(net::buffer(outgoing_.front()), [this](error_code ec, size_t) {
      if (ec) return ws_gone(ec);
      outgoing_.pop_front();
      write_next();
    });
  }

  // The WebSocket ended (closed by the peer, or failed): the caller reads EOF.
  void ws_gone(const error_code& ec) {
    if (ec == ws::error::bad_frame_payload)
      ended_("the peer sent a text message that is not UTF-8 (RabbitMQ's Web-STOMP: web_stomp.ws_frame = binary "
             "carries any body)");
    else if (ec != ws::error::closed && ec != net::error::operation_aborted)
      ended_("WebSocket: " + (ws_.reason().reason.empty() ? ec.message() : std::string(ws_.reason().reason.data(), ws_.reason().reason.size())));
    shut();
  }

  void shut() {
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
    near_.shutdown(local::socket::shutdown_both, ignored);
    near_.close(ignored);
  }

  Ws& ws_;
  local::socket& near_;
  Framing framing_;
  beast::flat_buffer in_;
  std::string to_near_;
  std::array<char, 65536> buf_{};
  std::string partial_;
  std::deque<std::string> outgoing_;
  bool near_done_ = false;
  std::function<void(std::string)> ended_;
};

}  // namespace

struct ClientPipe::Impl {
  ClientOptions o;
  net::io_context ioc;
  std::optional<ssl::context> tls_context;
  std::unique_ptr<ws::stream<beast::tcp_stream>> plain;
  std::unique_ptr<ws::stream<beast::ssl_stream<beast::tcp_stream>>> secure;
  local::socket near{ioc};
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

  template <typename Ws>
  void relay(Ws& socket) {
    Relay<Ws> r(socket, near, o.framing, [this](std::string why) {
      std::lock_guard lock(mutex);
      ended_because = std::move(why);
    });
    r.start();
    ioc.restart();
    ioc.run();
    std::lock_guard lock(mutex);
    ended = true;
    ended_cv.notify_all();
  }
};

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
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return fail("socketpair: " + std::string(std::strerror(errno)));
  impl->near.assign(local(), fds[0]);
  impl->far = fds[1];
  Impl* p = impl.get();
  impl->thread = std::thread([p] {
    if (p->secure) p->relay(*p->secure);
    else p->relay(*p->plain);
  });
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
