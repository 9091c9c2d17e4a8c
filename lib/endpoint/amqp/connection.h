// One rabbitmq-c connection with one channel, owned by one thread (rabbitmq-c is not
// thread-safe): opening it (each broker of the URL in turn, login, channel), reading
// frames without blocking, waiting on the socket beside a wake-up descriptor, answering
// the broker's channel.close and connection.close, and the errors in words.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <amqp.h>

#include "endpoint/amqp/settings.h"
#include "endpoint/waker.h"
#include "util/error.h"

namespace gsmq::endpoint::amqp {

class Connection {
 public:
  static constexpr amqp_channel_t kChannel = 1;

  explicit Connection(const Settings& settings) : settings_(settings) {}
  ~Connection() { drop(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Tries each broker once, in turn, from the one after the last that worked. nullopt
  // once logged in with the channel open; else why not, with `kind` refused for a login
  // or virtual host the broker refused.
  std::optional<std::string> open(ErrorKind& kind);
  bool is_open() const { return state_ != nullptr; }
  amqp_connection_state_t state() { return state_; }
  const Broker& broker() const { return settings_.brokers[current_]; }

  // Closes politely (bounded by connect_timeout), or drops the socket without a word.
  void close();
  void drop();

  // What a reply says went wrong: nullopt when it is normal. A channel.close or
  // connection.close in it is answered (close-ok); reopen_channel() opens it again.
  std::optional<std::string> failure(const amqp_rpc_reply_t& reply, ErrorKind* kind = nullptr);
  // After an rpc helper (amqp_queue_declare, ...) that returned null.
  std::optional<std::string> last_failure(ErrorKind* kind = nullptr) {
    return failure(amqp_get_rpc_reply(state_), kind);
  }
  // Opens the channel again after the broker closed it (and we answered).
  std::optional<std::string> reopen_channel();

  enum class Read { frame, none, failed };
  // The next frame if one is there, without waiting; `failed` (why set) when the
  // connection is gone (then drop() it).
  Read read(amqp_frame_t& frame, std::string& why);
  // Reads the header and body of a message whose method frame was just read.
  std::optional<std::string> read_content(amqp_message_t& message);
  // The broker closed the channel (frame: its channel.close): answers close-ok, opens
  // the channel again and returns what it said.
  std::string on_channel_close(const amqp_frame_t& frame);
  // The broker closes the connection (frame: its connection.close): answers close-ok
  // and drops the socket; returns what it said.
  std::string on_connection_close(const amqp_frame_t& frame);

  // Waits until the socket may hold a frame, `wake_fd` is readable, or `timeout` passed.
  void wait(int wake_fd, Duration timeout);

  // "404 NOT_FOUND - no queue 'q' in vhost '/'"
  static std::string close_text(uint16_t code, amqp_bytes_t text);

 private:
  std::optional<std::string> open_one(const Broker& broker, ErrorKind& kind);

  const Settings& settings_;
  amqp_connection_state_t state_ = nullptr;
  size_t current_ = 0;
  bool opened_once_ = false;
};

// One try: open the connection, then `setup` (declarations, confirm.select or consume)
// on its channel. nullopt when both worked; else why, with `kind` (refused: a login or
// a permission the broker refused), and the connection dropped.
using Setup = std::function<std::optional<std::string>(Connection&, ErrorKind&)>;
std::optional<std::string> open_and_setup(Connection& conn, const Setup& setup, ErrorKind& kind);

// The first connection of a source or sink: one try, or with ?retry (and not refused)
// until it works or a stop is requested. Throws Error (unavailable, refused) naming the
// URL and the cause.
void connect_at_start(Connection& conn, const Settings& settings, const Setup& setup,
                      const std::function<void(const std::string&)>& warn);

// After a loss that began at `since`: tries until connected (nullopt), or until the retry
// policy gives up or `wait` (between tries, true = closing) says to stop: then why.
std::optional<std::string> reconnect_after_loss(Connection& conn, const Settings& settings, Clock::time_point since,
                                                const Setup& setup, const std::function<bool(Duration)>& wait,
                                                const std::function<void(const std::string&)>& warn);

using endpoint::Waker;

}  // namespace gsmq::endpoint::amqp
