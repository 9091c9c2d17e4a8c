// One nats.c connection to a NATS server or cluster, shared by every source and sink of
// this adapter: the first connect to any of the servers (exit 4, or 6 when credentials
// are refused, unless ?retry), then nats.c's own reconnecting to any live node, with the
// shared back-off, and the shared policy deciding when a loss is final (?retry_for).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nats/nats.h>

#include "endpoint/nats/settings.h"

namespace gsmq::endpoint::nats {

class Connection {
 public:
  // Connects; Error(unavailable) when no server answers (with ?retry: only when a stop
  // was requested), Error(refused) when the credentials are refused.
  Connection(Settings settings, Diagnostics* diagnostics);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  natsConnection* get() const { return nc_; }
  const Settings& settings() const { return settings_; }

  bool connected() const;
  // Why the connection is gone for good: lost for longer than ?retry_for (without
  // ?retry), or closed. nullopt while connected, or reconnecting within the policy.
  std::optional<std::string> gone() const;

  void warn(const std::string& what) const;

  struct Watch;  // what nats.c's connection callbacks update

 private:
  // nats+tls://: the TLS options on `opts`; Error(usage) (after destroying opts) for a
  // file nats.c cannot load.
  void set_tls(natsOptions* opts);

  Settings settings_;
  Diagnostics* diagnostics_;
  Watch* watch_;  // outlives the connection: see connection.cpp
  natsConnection* nc_ = nullptr;
};

// "nats: TEXT (status)" for a failed nats.c call, with the library's last error text.
std::string describe(natsStatus status);

// Nanoseconds and milliseconds for nats.c's options.
template <typename Rep, typename Period>
int64_t nanos(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}
template <typename Rep, typename Period>
int64_t millis(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace gsmq::endpoint::nats
