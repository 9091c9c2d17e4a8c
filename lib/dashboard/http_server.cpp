#include "dashboard/http_server.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "dashboard/api.h"
#include "dashboard/snapshot.h"
#include "util/error.h"

namespace gsmq::dashboard {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(30);  // a connection that sends nothing
constexpr auto kLiveEvery = std::chrono::seconds(1);     // live updates: one snapshot a second
constexpr size_t kMaxRequestBody = 1 << 20;

struct HttpServer::Impl {
  HttpOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Broker::Stub> daemon;
  const RequestMetrics& requests;
  std::atomic<size_t> connections{0};
  uint16_t port = 0;
  // Last: destroyed first. The io_context destroys the sessions still open, which use
  // the members above.
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  Impl(HttpOptions o, std::shared_ptr<grpc::Channel> c, const RequestMetrics& r)
      : options(std::move(o)), channel(std::move(c)), daemon(v1::Broker::NewStub(channel)), requests(r) {}
  void accept();
};

namespace {

// One connection: requests in turn (keep-alive), or one live-update stream.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), server_(server) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](boost::beast::error_code ec, size_t) { self->on_read(ec); });
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
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, *out, [self = shared_from_this(), out](boost::beast::error_code ec, size_t) {
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
    stream_.expires_after(kIdleTimeout);  // a client that stops reading is dropped
    net::async_write(stream_, net::buffer(*text), [self = shared_from_this(), text](boost::beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->next_live();
    });
  }

  void next_live() {
    timer_.expires_after(live_started_ ? std::chrono::steady_clock::duration(kLiveEvery)
                                       : std::chrono::steady_clock::duration::zero());
    live_started_ = true;
    timer_.async_wait([self = shared_from_this()](boost::beast::error_code ec) {
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
    boost::beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    timer_.cancel();
  }

  boost::beast::tcp_stream stream_;
  net::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl& server_;
  bool live_started_ = false;
  std::string authorization_;  // the live stream's caller's, for each snapshot
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](boost::beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      if (connections.load() >= options.max_connections) {
        // answered and closed at once: a full server still says so
        static const std::string busy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 22\r\nConnection: close\r\n\r\ntoo many connections\r\n";
        boost::beast::error_code ignored;
        net::write(socket, net::buffer(busy), ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
      } else {
        std::make_shared<Session>(std::move(socket), *this)->read();
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
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::stop() {
  if (!impl_->thread.joinable()) return;
  net::post(impl_->ioc, [this] {
    boost::beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();  // open sessions are destroyed with their handlers, closing their sockets
  impl_->thread.join();
}

}  // namespace gsmq::dashboard
