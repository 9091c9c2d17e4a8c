// The relay between an open WebSocket and a local socket (its `near` end; the adapter
// holds the other): messages read become bytes (a line each, in Framing::lines); bytes
// written become messages. One read and one write are outstanding each way at most, so
// each side pushes back on the other. Runs on one io_context thread; owned by its own
// handlers (shared_from_this), so it ends when both ways have ended.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "endpoint/websocket/client_pipe.h"
#include "envelope/utf8.h"

namespace gsmq::endpoint::websocket {

// The names the WebSocket files use (this header is theirs only).
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace ws = boost::beast::websocket;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using local = boost::asio::local::stream_protocol;
using error_code = boost::system::error_code;

template <typename Ws>
class Relay : public std::enable_shared_from_this<Relay<Ws>> {
 public:
  // `ended` is told why the WebSocket ended unless the peer closed it normally.
  Relay(std::unique_ptr<Ws> socket, local::socket near, Framing framing, std::function<void(std::string)> ended)
      : ws_(std::move(socket)), near_(std::move(near)), framing_(framing), ended_(std::move(ended)) {}

  void start() {
    read_ws();
    read_near();
  }

 private:
  void read_ws() {
    ws_->async_read(in_, [self = this->shared_from_this()](error_code ec, size_t) {
      if (ec) return self->ws_gone(ec);
      self->to_near_ = boost::beast::buffers_to_string(self->in_.data());
      self->in_.consume(self->in_.size());
      if (self->framing_ == Framing::lines) self->to_near_.push_back('\n');
      boost::asio::async_write(self->near_, boost::asio::buffer(self->to_near_), [self](error_code e, size_t) {
        if (!e) self->read_ws();
      });
    });
  }

  void read_near() {
    near_.async_read_some(boost::asio::buffer(buf_), [self = this->shared_from_this()](error_code ec, size_t n) {
      if (ec) {  // the adapter is done writing: the rest, then a close
        if (!self->partial_.empty()) self->outgoing_.push_back(std::move(self->partial_));
        self->near_done_ = true;
        return self->write_next();
      }
      if (self->framing_ == Framing::stream) {
        self->outgoing_.emplace_back(self->buf_.data(), n);
      } else {
        std::string& p = self->partial_;
        p.append(self->buf_.data(), n);
        size_t start = 0;
        for (size_t nl; (nl = p.find('\n', start)) != std::string::npos; start = nl + 1)
          self->outgoing_.push_back(p.substr(start, nl - start));
        p.erase(0, start);
      }
      self->write_next();
    });
  }

  void write_next() {
    if (outgoing_.empty()) {
      if (!near_done_) return read_near();
      if (ws_->is_open()) ws_->async_close(boost::beast::websocket::close_code::normal, [self = this->shared_from_this()](error_code) { self->shut(); });
      return;
    }
    ws_->binary(framing_ == Framing::stream || !is_valid_utf8(outgoing_.front()));
    ws_->async_write(boost::asio::buffer(outgoing_.front()), [self = this->shared_from_this()](error_code ec, size_t) {
      if (ec) return self->ws_gone(ec);
      self->outgoing_.pop_front();
      self->write_next();
    });
  }

  // The WebSocket ended (closed by the peer, or failed): the adapter reads EOF.
  void ws_gone(const error_code& ec) {
    namespace ws = boost::beast::websocket;
    if (ec == ws::error::bad_frame_payload)
      ended_("the peer sent a text message that is not UTF-8 (RabbitMQ's Web-STOMP: web_stomp.ws_frame = binary "
             "carries any body)");
    else if (ec != ws::error::closed && ec != boost::asio::error::operation_aborted && !gone_)
      ended_("WebSocket: " + ec.message());
    shut();
  }

  void shut() {
    gone_ = true;
    error_code ignored;
    boost::beast::get_lowest_layer(*ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    boost::beast::get_lowest_layer(*ws_).socket().close(ignored);
    near_.shutdown(local::socket::shutdown_both, ignored);
    near_.close(ignored);
  }

  std::unique_ptr<Ws> ws_;
  local::socket near_;
  Framing framing_;
  std::function<void(std::string)> ended_;
  boost::beast::flat_buffer in_;
  std::string to_near_;
  std::array<char, 65536> buf_{};
  std::string partial_;
  std::deque<std::string> outgoing_;
  bool near_done_ = false;
  bool gone_ = false;
};

// A local socket pair: `near` for a relay, the other descriptor (CLOEXEC) for the adapter.
// -1 when the system refuses (errno set).
int make_pair(boost::asio::local::stream_protocol::socket& near);

}  // namespace gsmq::endpoint::websocket
