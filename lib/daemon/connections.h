// gsmqd's client connections (--max-connections, docs/security.md): how many are open,
// from gRPC's channelz registry of the server's sockets, and which are served when there
// are more than the limit: the N oldest (lowest socket ids). Calls on the others are
// refused with RESOURCE_EXHAUSTED until an older connection closes. The dashboard's
// in-process channel is not a connection and is never refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

#include <grpcpp/grpcpp.h>

namespace gsmq::daemon {

class Connections {
 public:
  // max 0: no limit, counted only.
  explicit Connections(uint64_t max) : max_(max) {}

  // The server to watch: the newest one gRPC knows (call right after BuildAndStart).
  void watch_newest_server();

  // OK when the call's connection is among the served ones.
  grpc::Status admit(const grpc::ServerContext& context);
  // Client connections open now.
  uint64_t count();

 private:
  struct Peers {
    std::unordered_set<std::string> served, waiting;
  };
  // The server's sockets from channelz, oldest first, split at max_.
  Peers list() const;
  void refresh();

  const uint64_t max_;
  intptr_t server_id_ = -1;
  std::mutex mutex_;
  Peers peers_;
  std::chrono::steady_clock::time_point refreshed_{};
};

}  // namespace gsmq::daemon
