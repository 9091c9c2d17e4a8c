#include "endpoint/http/client_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace gsmq::endpoint::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct ClientConnection::Impl {
  SinkSettings config;
  net::io_context ioc;
  std::optional<ssl::context> tls_context;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  explicit Impl(const SinkSettings& c) : config(c) {
    if (!config.tls.enabled) return;
    tls_context.emplace(ssl::context::tls_client);
    auto& ctx = *tls_context;
    beast::error_code ec;
    if (!config.tls.ca_file.empty()) {
      ctx.load_verify_file(config.tls.ca_file, ec);
      if (ec) throw Error(ErrorKind::usage, "?ca=" + config.tls.ca_file + ": " + ec.message());
    } else {
      ctx.set_default_verify_paths(ec);
    }
    if (!config.tls.cert_file.empty()) {
      ctx.use_certificate_chain_file(config.tls.cert_file, ec);
      if (ec) throw Error(ErrorKind::usage, "?cert=" + config.tls.cert_file + ": " + ec.message());
      ctx.use_private_key_file(config.tls.key_file, ssl::context::pem, ec);
      if (ec) throw Error(ErrorKind::usage, "?key=" + config.tls.key_file + ": " + ec.message());
    }
    ctx.set_verify_mode(config.tls.insecure ? ssl::verify_none : ssl::verify_peer);
  }

  bool is_open() const { return plain || secure; }

  beast::tcp_stream& tcp_layer() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Runs one asynchronous operation to its end on this thread; returns its error.
  template <typename Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = net::error::operation_aborted;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void close() {
    if (!is_open()) return;
    beast::error_code ignored;
    tcp_layer().socket().close(ignored);
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  std::string describe(const beast::error_code& ec) const {
    if (ec == beast::error::timeout) return "timed out after " + format_duration(config.timeout);
    return ec.message();
  }

  Result connect() {
    Result r;
    if (is_open()) return r;
    buffer.clear();
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(config.host, std::to_string(config.port), ec);
    if (ec) {
      r.error = "cannot resolve " + config.host + ": " + ec.message();
      return r;
    }
    if (config.tls.enabled) {
      secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, *tls_context);
      if (!config.tls.server_name.empty())
        SSL_set_tlsext_host_name(secure->native_handle(), config.tls.server_name.c_str());
      if (!config.tls.insecure) secure->set_verify_callback(ssl::host_name_verification(config.tls.server_name));
    } else {
      plain = std::make_unique<beast::tcp_stream>(ioc);
    }
    auto& stream = tcp_layer();
    stream.expires_after(config.timeout);
    ec = run([&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
    if (ec) {
      close();
      r.error = "cannot connect to " + config.describe() + ": " + describe(ec);
      return r;
    }
    if (secure) {
      ec = run([&](auto handler) { secure->async_handshake(ssl::stream_base::client, std::move(handler)); });
      if (ec) {
        close();
        r.error = "TLS handshake with " + config.describe() + " failed: " + describe(ec);
        r.permanent = ec.category() == net::error::get_ssl_category();
        return r;
      }
    }
    return r;
  }

  template <typename Stream>
  beast::error_code round_trip(Stream& stream, const Request& request, Response& out) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    for (const auto& [name, value] : request.headers) req.insert(name, value);
    req.body() = request.body;
    req.keep_alive(true);
    req.prepare_payload();
    beast::error_code ec = run([&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); });
    if (ec) return ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(config.max_response_bytes);
    ec = run([&](auto handler) { bhttp::async_read(stream, buffer, parser, std::move(handler)); });
    if (ec) return ec;
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    if (!res.keep_alive()) close();
    return {};
  }

  Result exchange(const Request& request) {
    for (int reopened = 0;; ++reopened) {
      const bool reused = is_open();
      Result r = connect();
      if (!r.error.empty()) return r;
      tcp_layer().expires_after(config.timeout);
      Response response;
      const beast::error_code ec =
          secure ? round_trip(*secure, request, response) : round_trip(*plain, request, response);
      if (!ec) {
        r.response = std::move(response);
        return r;
      }
      close();
      // A kept-alive connection the peer closed meanwhile: open a new one, once.
      if (reused && reopened == 0 && ec != beast::error::timeout) continue;
      r.error = request.method + " " + config.describe() + ": " + describe(ec);
      return r;
    }
  }
};

ClientConnection::ClientConnection(const SinkSettings& config) : impl_(std::make_unique<Impl>(config)) {}
ClientConnection::~ClientConnection() = default;
ClientConnection::Result ClientConnection::connect() { return impl_->connect(); }
ClientConnection::Result ClientConnection::exchange(const Request& request) { return impl_->exchange(request); }

}  // namespace gsmq::endpoint::http
