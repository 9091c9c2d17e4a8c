#include "endpoint/http/ingest_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "endpoint/http/ingest_request.h"

namespace gsmq::endpoint::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr size_t kHeaderLimit = 64 * 1024;
// After an answer that closes the connection early (413, 400), what the client may still be
// sending is read and dropped for a while, so that closing does not reset the connection
// before the client has read the answer.
constexpr size_t kDrainLimit = 1u << 20;
constexpr auto kDrainTime = std::chrono::seconds(2);

// What the server needs to know about a connection when it stops.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;  // not waiting for an answer: close now
  virtual void close_now() = 0;
};

std::string endpoint_text(const tcp::endpoint& e) {
  const auto a = e.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(e.port());
}

}  // namespace

struct IngestServer::Impl : std::enable_shared_from_this<Impl> {
  IngestSettings config;
  Handler handler;
  Diagnostics& diagnostics;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_retry{ioc};
  std::optional<ssl::context> tls;
  std::thread thread;

  // Server thread only.
  size_t open_sessions = 0;
  bool accepting = false;
  bool stopping = false;

  // Any thread.
  std::mutex mutex;
  std::condition_variable changed;
  std::set<SessionBase*> sessions;
  size_t unanswered = 0;      // requests handed to the handler whose answer is not written yet
  std::atomic<bool> finished{false};
  std::mutex warn_mutex;

  Impl(const IngestSettings& c, Handler h, Diagnostics& d) : config(c), handler(std::move(h)), diagnostics(d) {}

  void warn(const std::string& what) {
    std::lock_guard lock(warn_mutex);
    diagnostics.warn(what);
  }

  void setup_tls() {
    if (!config.tls.enabled) return;
    tls.emplace(ssl::context::tls_server);
    beast::error_code ec;
    tls->use_certificate_chain_file(config.tls.cert_file, ec);
    if (ec) throw Error(ErrorKind::usage, "?cert=" + config.tls.cert_file + ": " + ec.message());
    tls->use_private_key_file(config.tls.key_file, ssl::context::pem, ec);
    if (ec) throw Error(ErrorKind::usage, "?key=" + config.tls.key_file + ": " + ec.message());
    if (!config.tls.ca_file.empty()) {
      tls->load_verify_file(config.tls.ca_file, ec);
      if (ec) throw Error(ErrorKind::usage, "?ca=" + config.tls.ca_file + ": " + ec.message());
      tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  }

  void listen() {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(config.bind_host, std::to_string(config.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
      throw Error(ErrorKind::unavailable, "cannot listen on " + config.describe() + ": " + ec.message());
    const tcp::endpoint where = results.begin()->endpoint();
    acceptor.open(where.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(where, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw Error(ErrorKind::unavailable, "cannot listen on " + config.describe() + ": " + ec.message());
  }

  void start() {
    net::post(ioc, [self = shared_from_this()] { self->accept(); });
    thread = std::thread([this] { ioc.run(); });
  }

  void accept();
  void session_started(SessionBase* s) {
    std::lock_guard lock(mutex);
    sessions.insert(s);
  }
  void session_ended(SessionBase* s) {
    {
      std::lock_guard lock(mutex);
      sessions.erase(s);
    }
    changed.notify_all();
    if (finished) return;
    net::post(ioc, [self = shared_from_this()] {
      --self->open_sessions;
      self->accept();
    });
  }
  void request_handed() {
    std::lock_guard lock(mutex);
    ++unanswered;
  }
  void answer_written() {
    {
      std::lock_guard lock(mutex);
      --unanswered;
    }
    changed.notify_all();
  }

  void stop(Clock::time_point deadline) {
    if (finished) return;
    net::post(ioc, [self = shared_from_this()] {
      self->stopping = true;
      beast::error_code ignored;
      self->acceptor.close(ignored);
      self->accept_retry.cancel();
      std::lock_guard lock(self->mutex);
      for (auto* s : self->sessions) s->close_if_idle();
    });
    {
      std::unique_lock lock(mutex);
      changed.wait_until(lock, deadline, [&] { return unanswered == 0; });
    }
    net::post(ioc, [self = shared_from_this()] {
      std::lock_guard lock(self->mutex);
      for (auto* s : self->sessions) s->close_now();
    });
    bool all_ended = false;
    {
      // Bounded: closed sockets end their sessions at once.
      std::unique_lock lock(mutex);
      all_ended = changed.wait_for(lock, std::chrono::seconds(2), [&] { return sessions.empty(); });
    }
    work.reset();
    if (!all_ended) ioc.stop();  // otherwise the thread ends once the last handlers ran
    if (thread.joinable()) thread.join();
    finished = true;
  }
};

namespace {

template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(std::shared_ptr<IngestServer::Impl> server, Stream stream, std::string peer)
      : server_(std::move(server)), stream_(std::move(stream)), peer_(std::move(peer)) {}

  ~Session() override { server_->session_ended(this); }

  void start() {
    server_->session_started(this);
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      tcp().expires_after(server_->config.timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) {
          self->server_->warn("TLS handshake with " + self->peer_ + " failed: " + ec.message());
          return self->close_now();
        }
        self->read_header();
      });
    } else {
      read_header();
    }
  }

  void close_if_idle() override {
    if (!waiting_) close_now();
  }

  void close_now() override {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  void read_header() {
    if (server_->stopping) return close_now();
    parser_.emplace();
    parser_->body_limit(server_->config.max_body_bytes);
    parser_->header_limit(kHeaderLimit);
    tcp().expires_after(server_->config.timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec, false);
    const auto& req = parser_->get();
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code e, size_t) {
        if (e) return self->close_now();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_read_error(beast::error_code ec, bool body_started) {
    (void)body_started;
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == net::ssl::error::stream_truncated)
      return close_now();  // the client closed between requests, or we are stopping
    if (ec == bhttp::error::body_limit)
      return answer_and_close(answer_error(413, "body is larger than " + std::to_string(server_->config.max_body_bytes) + " bytes"));
    if (ec == beast::error::timeout) {
      server_->warn("closed the connection from " + peer_ + ": no complete request within " +
                    format_duration(server_->config.timeout));
      return close_now();
    }
    if (ec == bhttp::error::partial_message || ec == net::error::eof || ec == net::error::connection_reset) {
      server_->warn("the client " + peer_ + " went away in the middle of a request; nothing taken");
      return close_now();
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
      server_->warn("malformed request from " + peer_ + ": " + ec.message());
      return answer_and_close(answer_error(400, "malformed HTTP request: " + ec.message()));
    }
    server_->warn("reading a request from " + peer_ + ": " + ec.message());
    close_now();
  }

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec, true);
    auto req = parser_->release();
    parser_.reset();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == bhttp::verb::head;
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request.body = std::move(req.body());
    waiting_ = true;
    server_->request_handed();
    auto once = std::make_shared<std::atomic<bool>>(false);
    IngestServer::Respond respond = [self = this->shared_from_this(), once](Response response) {
      if (once->exchange(true)) return;
      net::post(self->server_->ioc, [self, r = std::move(response)]() mutable { self->write(std::move(r), false); });
    };
    server_->handler(std::move(request), peer_, std::move(respond));
  }

  void answer_and_close(Response response) {
    keep_alive_ = false;
    head_ = false;
    write(std::move(response), true);
  }

  // `early`: an answer before the request was read (and handed over) completely.
  void write(Response response, bool early) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->set(bhttp::field::server, "gsmq");
    for (const auto& [name, value] : response.headers) res->insert(name, value);
    if (!head_) res->body() = std::move(response.body);
    res->keep_alive(keep_alive_ && !server_->stopping);
    res->prepare_payload();
    tcp().expires_after(server_->config.timeout);
    bhttp::async_write(stream_, *res, [self = this->shared_from_this(), res, early](beast::error_code ec, size_t) {
      if (!early) {
        self->waiting_ = false;
        self->server_->answer_written();
      }
      if (ec) return self->close_now();
      if (early) return self->drain_and_close();
      if (!res->keep_alive()) return self->close_now();
      self->read_header();
    });
  }

  void drain_and_close() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().expires_after(kDrainTime);
    drain_.resize(16 * 1024);
    drain_more();
  }

  void drain_more() {
    tcp().async_read_some(net::buffer(drain_), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kDrainLimit) return self->close_now();
      self->drain_more();
    });
  }

  std::shared_ptr<IngestServer::Impl> server_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool waiting_ = false;  // a request was handed over and its answer is not written yet
  bool keep_alive_ = true;
  bool head_ = false;
  std::vector<char> drain_;
  size_t drained_ = 0;
};

}  // namespace

void IngestServer::Impl::accept() {
  if (stopping || accepting || open_sessions >= config.max_connections) return;
  accepting = true;
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    self->accepting = false;
    if (self->stopping) return;
    if (ec) {
      self->warn("accept on " + self->config.describe() + ": " + ec.message());
      self->accept_retry.expires_after(std::chrono::milliseconds(100));
      self->accept_retry.async_wait([self](beast::error_code e) {
        if (!e) self->accept();
      });
      return;
    }
    beast::error_code ignored;
    const std::string peer = endpoint_text(socket.remote_endpoint(ignored));
    ++self->open_sessions;
    if (self->tls) {
      using Stream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<Session<Stream>>(self, Stream(beast::tcp_stream(std::move(socket)), *self->tls), peer)->start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(self, beast::tcp_stream(std::move(socket)), peer)->start();
    }
    self->accept();
  });
}

IngestServer::IngestServer(const IngestSettings& config, Handler handler, Diagnostics& diagnostics)
    : impl_(std::make_shared<Impl>(config, std::move(handler), diagnostics)) {
  impl_->setup_tls();
  impl_->listen();
  impl_->start();
}

IngestServer::~IngestServer() { stop(Clock::now()); }

void IngestServer::stop(Clock::time_point deadline) { impl_->stop(deadline); }

}  // namespace gsmq::endpoint::http
