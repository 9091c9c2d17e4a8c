#include "dashboard/http_server.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "dashboard/api.h"
#include "dashboard/snapshot.h"
#include "util/error.h"
#include "util/log.h"

namespace gsmq::dashboard {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

constexpr auto kIdleTimeout = std::chrono::seconds(30);  // a connection that sends nothing
constexpr auto kLiveEvery = std::chrono::seconds(1);     // live updates: one snapshot a second
constexpr size_t kMaxRequestBody = 1 << 20;
constexpr auto kTlsCheckEvery = std::chrono::seconds(1);  // --tls-* files read again when they change

struct HttpServer::Impl {
  HttpOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Broker::Stub> daemon;
  const RequestMetrics& requests;
  std::atomic<size_t> connections{0};
  uint16_t port = 0;
  std::shared_ptr<ssl::context> tls;  // HTTPS: the newest; a session keeps the one it began with
  std::string tls_files;              // the --tls-* files' contents, as last read
  // Last: destroyed first. The io_context destroys the sessions still open, which use
  // the members above.
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::steady_timer tls_check{ioc};
  std::thread thread;

  Impl(HttpOptions o, std::shared_ptr<grpc::Channel> c, const RequestMetrics& r)
      : options(std::move(o)), channel(std::move(c)), daemon(v1::Broker::NewStub(channel)), requests(r) {}
  void accept();
  void check_tls_files();
};

namespace {

std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string tls_files_contents(const HttpTls& tls) {
  return file_contents(tls.cert_file) + '\0' + file_contents(tls.key_file) + '\0' + file_contents(tls.ca_file);
}

// The server side of HTTPS from gsmqd's --tls-* files; Error(usage) naming the flag and file
// that does not load. TLS 1.2 and later.
std::shared_ptr<ssl::context> tls_context(const HttpTls& tls) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  const auto load = [](const char* flag, const std::string& file, const auto& call) {
    boost::system::error_code ec;
    call(ec);
    if (ec) throw Error(ErrorKind::usage, std::string(flag) + " " + file + ": " + ec.message());
  };
  load("--tls-cert", tls.cert_file, [&](auto& ec) { ctx->use_certificate_chain_file(tls.cert_file, ec); });
  load("--tls-key", tls.key_file, [&](auto& ec) { ctx->use_private_key_file(tls.key_file, ssl::context::pem, ec); });
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw Error(ErrorKind::usage, "--tls-key " + tls.key_file + ": is not the key of " + tls.cert_file);
  if (!tls.ca_file.empty()) {
    load("--tls-ca", tls.ca_file, [&](auto& ec) { ctx->load_verify_file(tls.ca_file, ec); });
    // Tells clients which CAs their certificate should come from.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.ca_file.c_str()))
      SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
  }
  switch (tls.client_cert) {
    case HttpTls::ClientCert::none: ctx->set_verify_mode(ssl::verify_none); break;
    case HttpTls::ClientCert::request: ctx->set_verify_mode(ssl::verify_peer); break;  // verified when sent
    case HttpTls::ClientCert::require: ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert); break;
  }
  return ctx;
}

// One connection: requests in turn (keep-alive), or one live-update stream; over plain
// TCP (PlainStream) or TLS (TlsStream, after the handshake).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `tls`: the context a TLS stream was made with (kept alive with it); stream_ is made of `args`.
  template <class... Args>
  Session(HttpServer::Impl& server, std::shared_ptr<ssl::context> tls, Args&&... args)
      : tls_(std::move(tls)), stream_(std::forward<Args>(args)...), timer_(stream_.get_executor()), server_(server) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  // TLS: the handshake, with what the client already sent (read while telling TLS from
  // plain HTTP), then requests.
  void handshake(boost::beast::flat_buffer already) {
    buffer_ = std::move(already);
    lowest().expires_after(kIdleTimeout);
    stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                            [self = this->shared_from_this()](boost::beast::error_code ec, size_t used) {
                              if (ec) return self->close_socket();  // not a client we take: nothing to say
                              self->buffer_.consume(used);
                              self->read();
                            });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    lowest().expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](boost::beast::error_code ec, size_t) { self->on_read(ec); });
  }

 private:
  void on_read(boost::beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec) {
      if (ec == http::error::body_limit) return answer_plain(413, "request body too large\n", false);
      if (ec == net::error::operation_aborted || ec == boost::beast::error::timeout) return close();
      return answer_plain(400, "bad request: " + ec.message() + "\n", false);
    }
    auto request = parser_->release();
    ApiRequest api;
    api.method = std::string(request.method_string());
    api.body = std::move(request.body());
    api.authorization = std::string(request[http::field::authorization]);
    if (!split_target(std::string(request.target()), api)) return answer_plain(400, "bad request target\n", false);
    if (api.segments.size() == 2 && api.segments[0] == "api" && api.segments[1] == "events") {
      if (api.method != "GET") return answer_plain(405, "GET only\n", false);
      authorization_ = api.authorization;
      return start_live();
    }
    ApiResponse response = handle_api(api, *server_.daemon, server_.requests);
    auto out = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status),
                                                                   request.version());
    out->set(http::field::server, "gsmqd");
    out->set(http::field::content_type, response.content_type);
    out->set(http::field::cache_control, "no-store");
    out->keep_alive(request.keep_alive());
    if (api.method == "HEAD") out->content_length(response.body.size());
    else out->body() = std::move(response.body);
    out->prepare_payload();
    write(out);
  }

  void answer_plain(unsigned status, std::string text, bool keep_alive) {
    auto out = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    out->set(http::field::server, "gsmqd");
    out->set(http::field::content_type, "text/plain; charset=utf-8");
    out->keep_alive(keep_alive);
    out->body() = std::move(text);
    out->prepare_payload();
    write(out);
  }

  void write(std::shared_ptr<http::response<http::string_body>> out) {
    lowest().expires_after(kIdleTimeout);
    http::async_write(stream_, *out, [self = this->shared_from_this(), out](boost::beast::error_code ec, size_t) {
      if (ec || !out->keep_alive()) return self->close();
      self->read();
    });
  }

  // Server-Sent Events: a snapshot (the /api/snapshot object) as soon as the stream opens,
  // then one a second, until the client goes away or gsmqd stops.
  void start_live() {
    auto head = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nServer: gsmqd\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
        "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n");
    send_live(head);
  }

  void send_live(std::shared_ptr<std::string> text) {
    lowest().expires_after(kIdleTimeout);  // a client that stops reading is dropped
    net::async_write(stream_, net::buffer(*text), [self = this->shared_from_this(), text](boost::beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->next_live();
    });
  }

  void next_live() {
    timer_.expires_after(live_started_ ? std::chrono::steady_clock::duration(kLiveEvery)
                                       : std::chrono::steady_clock::duration::zero());
    live_started_ = true;
    timer_.async_wait([self = this->shared_from_this()](boost::beast::error_code ec) {
      if (ec) return self->close();
      self->send_live(std::make_shared<std::string>(self->live_event()));
    });
  }

  std::string live_event() {
    try {
      return "event: snapshot\ndata: " + snapshot_json(take_snapshot(*server_.daemon, authorization_)).dump() + "\n\n";
    } catch (const Error& e) {
      return "event: unavailable\ndata: " + nlohmann::json({{"error", e.what()}}).dump() + "\n\n";
    }
  }

  void close() {
    timer_.cancel();
    if constexpr (kTls) {
      if (!shutting_down_) {  // TLS says goodbye (close_notify) first, for a few seconds at most
        shutting_down_ = true;
        lowest().expires_after(std::chrono::seconds(2));
        stream_.async_shutdown([self = this->shared_from_this()](boost::beast::error_code) { self->close_socket(); });
        return;
      }
    }
    close_socket();
  }

  void close_socket() {
    boost::beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
    timer_.cancel();
  }

  PlainStream& lowest() { return boost::beast::get_lowest_layer(stream_); }

  std::shared_ptr<ssl::context> tls_;
  Stream stream_;
  bool shutting_down_ = false;
  net::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl& server_;
  bool live_started_ = false;
  std::string authorization_;  // the live stream's caller's, for each snapshot
};

// A new connection on the HTTPS port: a TLS client gets a TLS session; one that speaks plain
// HTTP is answered 400 (this port serves HTTPS) and closed.
class TlsDetector : public std::enable_shared_from_this<TlsDetector> {
 public:
  TlsDetector(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server), tls_(server.tls) {
    ++server_.connections;
  }
  ~TlsDetector() { --server_.connections; }

  void run() {
    stream_.expires_after(kIdleTimeout);
    boost::beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](boost::beast::error_code ec, bool tls) {
      if (ec) return self->close();
      if (tls) {
        auto session = std::make_shared<Session<TlsStream>>(self->server_, self->tls_, std::move(self->stream_), *self->tls_);
        return session->handshake(std::move(self->buffer_));
      }
      static const std::string plain =
          "HTTP/1.1 400 Bad Request\r\nServer: gsmqd\r\nContent-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: 23\r\nConnection: close\r\n\r\nthis port serves HTTPS\n";
      net::async_write(self->stream_, net::buffer(plain), [self](boost::beast::error_code, size_t) { self->close(); });
    });
  }

 private:
  void close() {
    boost::beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  PlainStream stream_;
  boost::beast::flat_buffer buffer_;
  HttpServer::Impl& server_;
  std::shared_ptr<ssl::context> tls_;
};

}  // namespace

void HttpServer::Impl::check_tls_files() {
  tls_check.expires_after(kTlsCheckEvery);
  tls_check.async_wait([this](boost::beast::error_code ec) {
    if (ec) return;
    if (std::string files = tls_files_contents(options.tls); files != tls_files) {
      tls_files = std::move(files);  // a bad set is tried once, and again when it changes
      try {
        tls = tls_context(options.tls);
        log::info("dashboard: TLS files read again", {{"cert", options.tls.cert_file}});
      } catch (const Error& e) {
        log::warn("dashboard: TLS files not taken, the ones in force stay", {{"error", e.what()}});
      }
    }
    check_tls_files();
  });
}

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](boost::beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      if (connections.load() >= options.max_connections) {
        // answered and closed at once: a full server still says so (over HTTPS it can only close)
        static const std::string busy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 22\r\nConnection: close\r\n\r\ntoo many connections\r\n";
        boost::beast::error_code ignored;
        if (!tls) net::write(socket, net::buffer(busy), ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
      } else if (tls) {
        std::make_shared<TlsDetector>(std::move(socket), *this)->run();
      } else {
        std::make_shared<Session<PlainStream>>(*this, nullptr, std::move(socket))->read();
      }
    }
    accept();
  });
}

HttpServer::HttpServer(HttpOptions options, std::shared_ptr<grpc::Channel> daemon, const RequestMetrics& requests)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(daemon), requests)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  const std::string& listen = impl_->options.listen;
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw Error(ErrorKind::usage, "--http " + listen + ": expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw Error(ErrorKind::usage, "--http " + listen + ": expected HOST:PORT with a port 0-65535");
  }
  boost::beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  const auto found = resolver.resolve(host, std::to_string(port), ec);
  if (ec || found.empty()) throw Error(ErrorKind::usage, "--http " + listen + ": cannot resolve " + host);
  const tcp::endpoint endpoint = *found.begin();
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ErrorKind::unavailable, "--http: cannot listen on " + listen + ": " + ec.message());
  impl_->port = acceptor.local_endpoint().port();
  if (impl_->options.tls.enabled()) {
    impl_->tls_files = tls_files_contents(impl_->options.tls);
    impl_->tls = tls_context(impl_->options.tls);
    impl_->check_tls_files();
  }
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::stop() {
  if (!impl_->thread.joinable()) return;
  net::post(impl_->ioc, [this] {
    boost::beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->tls_check.cancel();
  });
  impl_->ioc.stop();  // open sessions are destroyed with their handlers, closing their sockets
  impl_->thread.join();
}

}  // namespace gsmq::dashboard
