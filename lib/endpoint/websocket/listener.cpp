#include "endpoint/websocket/listener.h"

#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <mutex>
#include <optional>
#include <thread>

#include "endpoint/waker.h"
#include "endpoint/websocket/relay.h"

namespace gsmq::endpoint::websocket {

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

// One connection from its first byte to its upgrade (or refusal).
template <typename Ws>
struct Upgrade {
  std::unique_ptr<Ws> socket;
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> request;
  bhttp::response<bhttp::string_body> refusal;
  std::string peer;
};

}  // namespace

struct Listener::Impl {
  ListenOptions o;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  Waker waker;
  std::mutex mutex;
  std::vector<Accepted> ready;  // under mutex
  std::thread thread;

  explicit Impl(const ListenOptions& options) : o(options) {}

  void setup_tls() {
    if (!o.tls.enabled) return;
    tls.emplace(ssl::context::tls_server);
    error_code ec;
    if (o.tls.cert_file.empty() || o.tls.key_file.empty())
      throw Error(ErrorKind::usage, o.url_text + ": a wss listener needs ?cert and ?key (its certificate)");
    tls->use_certificate_chain_file(o.tls.cert_file, ec);
    if (ec) throw Error(ErrorKind::usage, o.url_text + ": ?cert=" + o.tls.cert_file + ": " + ec.message());
    tls->use_private_key_file(o.tls.key_file, ssl::context::pem, ec);
    if (ec) throw Error(ErrorKind::usage, o.url_text + ": ?key=" + o.tls.key_file + ": " + ec.message());
    if (!o.tls.ca_file.empty()) {
      tls->load_verify_file(o.tls.ca_file, ec);
      if (ec) throw Error(ErrorKind::usage, o.url_text + ": ?ca=" + o.tls.ca_file + ": " + ec.message());
      tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  }

  void listen() {
    error_code ec;
    const auto found = tcp::resolver(ioc).resolve(o.host.empty() ? "::" : o.host, std::to_string(o.port),
                                                  tcp::resolver::passive, ec);
    std::string why = ec ? ec.message() : "no address";
    for (const auto& entry : found) {
      acceptor = tcp::acceptor(ioc);
      acceptor.open(entry.endpoint().protocol(), ec);
      if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
      if (!ec && entry.endpoint().address().is_v6() && o.host.empty()) acceptor.set_option(net::ip::v6_only(false), ec);
      if (!ec) acceptor.bind(entry.endpoint(), ec);
      if (!ec) acceptor.listen(128, ec);
      if (!ec) return;
      why = ec.message();
    }
    throw Error(ErrorKind::unavailable, o.url_text + ": cannot listen on port " + std::to_string(o.port) + ": " + why);
  }

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) start(std::move(s));
      accept();
    });
  }

  void start(tcp::socket s) {
    error_code ec;
    const auto remote = s.remote_endpoint(ec);
    std::string peer = ec ? "?" : (remote.address().is_v6() ? "[" + remote.address().to_string() + "]"
                                                            : remote.address().to_string()) +
                                      ":" + std::to_string(remote.port());
    if (tls) {
      using Ws = ws::stream<beast::ssl_stream<beast::tcp_stream>>;
      auto u = std::make_shared<Upgrade<Ws>>();
      u->socket = std::make_unique<Ws>(beast::tcp_stream(std::move(s)), *tls);
      u->peer = std::move(peer);
      beast::get_lowest_layer(*u->socket).expires_after(kHandshakeTimeout);
      u->socket->next_layer().async_handshake(ssl::stream_base::server, [this, u](error_code e) {
        if (!e) read_request(u);
      });
    } else {
      using Ws = ws::stream<beast::tcp_stream>;
      auto u = std::make_shared<Upgrade<Ws>>();
      u->socket = std::make_unique<Ws>(beast::tcp_stream(std::move(s)));
      u->peer = std::move(peer);
      beast::get_lowest_layer(*u->socket).expires_after(kHandshakeTimeout);
      read_request(u);
    }
  }

  template <typename Ws>
  void read_request(std::shared_ptr<Upgrade<Ws>> u) {
    bhttp::async_read(u->socket->next_layer(), u->buffer, u->request, [this, u](error_code ec, size_t) {
      if (ec) return;
      const auto target = u->request.target();
      const std::string path(target.data(), std::min(target.size(), target.find('?')));
      const bool path_ok = o.target.empty() || path == o.target;
      if (!ws::is_upgrade(u->request) || !path_ok) return refuse(u, path_ok ? bhttp::status::upgrade_required : bhttp::status::not_found);
      u->socket->async_accept(u->request, [this, u](error_code e) {
        if (!e) relay(u);
      });
    });
  }

  template <typename Ws>
  void refuse(std::shared_ptr<Upgrade<Ws>> u, bhttp::status status) {
    u->refusal = bhttp::response<bhttp::string_body>(status, 11);
    u->refusal.set(bhttp::field::content_type, "text/plain");
    u->refusal.body() = status == bhttp::status::not_found ? "no WebSocket here; the path is " + o.target + "\n"
                                                            : "a WebSocket endpoint: upgrade\n";
    u->refusal.keep_alive(false);
    u->refusal.prepare_payload();
    bhttp::async_write(u->socket->next_layer(), u->refusal, [u](error_code, size_t) {
      error_code ignored;
      beast::get_lowest_layer(*u->socket).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  template <typename Ws>
  void relay(std::shared_ptr<Upgrade<Ws>> u) {
    beast::get_lowest_layer(*u->socket).expires_never();
    local::socket near(ioc);
    const int far = make_pair(near);
    if (far < 0) return;
    std::make_shared<Relay<Ws>>(std::move(u->socket), std::move(near), o.framing, [](std::string) {})->start();
    {
      std::lock_guard lock(mutex);
      ready.push_back(Accepted{far, u->peer});
    }
    waker.wake();
  }
};

Listener::Listener(const ListenOptions& options) : impl_(std::make_unique<Impl>(options)) {
  impl_->setup_tls();
  impl_->listen();
  impl_->accept();
  Impl* p = impl_.get();
  impl_->thread = std::thread([p] { p->ioc.run(); });
}

Listener::~Listener() {
  net::post(impl_->ioc, [p = impl_.get()] {
    error_code ignored;
    p->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  for (const Accepted& a : take()) ::close(a.fd);
}

int Listener::ready_fd() const { return impl_->waker.fd(); }

std::vector<Listener::Accepted> Listener::take() {
  impl_->waker.clear();
  std::vector<Accepted> out;
  std::lock_guard lock(impl_->mutex);
  out.swap(impl_->ready);
  return out;
}

}  // namespace gsmq::endpoint::websocket
