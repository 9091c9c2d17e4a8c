// One paho client connection to an MQTT broker, shared by the source and the sink: the
// first connect (exit 4, or 6 when refused, unless ?retry), then on its own thread a
// reconnect with back-off whenever the connection drops, giving up after ?retry_for.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <mqtt/async_client.h>

#include "endpoint/mqtt/settings.h"

namespace gsmq::endpoint::mqtt {

class Connection {
 public:
  struct Hooks {
    // After each successful connect, on the thread that connected (the caller of start()
    // the first time, the reconnect thread after that). May throw Error at start.
    std::function<void(bool session_present, bool first)> connected;
    // After each successful connect, on paho's thread, before paho reads anything else
    // from the broker (queued messages of a persistent session come right after CONNACK).
    // Must not wait; paho calls made here do not wait for paho's global lock.
    std::function<void()> on_paho_thread_connected;
    // The connection dropped (on paho's thread: must not wait for paho).
    std::function<void()> lost;
    // Reconnecting was given up (?retry_for passed without ?retry), with the reason.
    std::function<void(const std::string&)> gave_up;
  };

  Connection(Settings settings, Diagnostics* diagnostics);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  ::mqtt::async_client& client() { return *client_; }
  const Settings& settings() const { return settings_; }

  // Connects for the first time and starts watching the connection. Throws Error:
  // unavailable when the broker cannot be reached (after waiting, with ?retry, only
  // when interrupted), refused when it refused the credentials.
  void start(Hooks hooks);

  bool connected() const;

  // Stops reconnecting and disconnects, waiting a bounded time. Returns false when paho
  // did not finish (a callback holds it), in which case the client is abandoned.
  bool stop();

  // Stops reconnecting and leaves the client allocated and never destroyed: used when a
  // message callback must stay blocked until the process exits (see source.cpp). The
  // owner must then leak this Connection too.
  void abandon();

  void warn(const std::string& what) const;

 private:
  struct Attempt {
    bool ok = false;
    bool session_present = false;
    ErrorKind kind = ErrorKind::unavailable;
    std::string why;
  };
  Attempt attempt();
  void on_lost(const std::string& cause);
  void supervise();

  Settings settings_;
  Diagnostics* diagnostics_;
  std::unique_ptr<::mqtt::async_client> client_;
  Hooks hooks_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool connected_ = false;
  bool lost_ = false;
  bool stopping_ = false;
  Clock::time_point lost_since_;
  std::thread supervisor_;
};

}  // namespace gsmq::endpoint::mqtt
