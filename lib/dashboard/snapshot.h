// What the daemon shows of itself at one moment: its identity, every channel, its links
// and rules, and its storage, read through the daemon's own gRPC API (the same answers
// `gsmqd channels|ping|links|rules show` print). The dashboard's pages, its /api and
// /metrics are all made from one Snapshot.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "gsmq/v1/broker.grpc.pb.h"
#include "util/error.h"

namespace gsmq::dashboard {

struct StorageSpace {
  uint64_t used_bytes = 0;   // the channels' log files
  uint64_t free_bytes = 0;   // available to gsmqd on the data directory's file system
  uint64_t total_bytes = 0;  // that file system's size
};

struct Snapshot {
  v1::PingResponse ping;
  v1::ListChannelsResponse channels;
  v1::ListLinksResponse links;
  v1::ListRulesResponse rules;
  v1::StoreStatsResponse store;  // fsync latency
  StorageSpace storage;
  int64_t taken_us = 0;  // µs since the epoch
};

// A call's context: a deadline, and the HTTP caller's Authorization header (when it sent
// one) as the call's own, so the daemon checks the caller as any gRPC client
// (docs/security.md).
void prepare_context(grpc::ClientContext& context, std::chrono::milliseconds timeout,
                     const std::string& authorization);

// The daemon refused the caller: no or a bad identity (unauthenticated), or not allowed.
class CallerRefused : public Error {
 public:
  CallerRefused(bool unauthenticated, const std::string& what)
      : Error(ErrorKind::refused, what), unauthenticated(unauthenticated) {}
  bool unauthenticated;
};

// Error(unavailable) when the daemon does not answer within a few seconds, CallerRefused
// when it refuses the caller.
Snapshot take_snapshot(v1::Broker::StubInterface& daemon, const std::string& authorization = "");

// The overview: identity, uptime, totals over the channels, storage.
nlohmann::ordered_json overview_json(const Snapshot& s);
nlohmann::ordered_json channels_json(const Snapshot& s);
nlohmann::ordered_json links_json(const Snapshot& s);
nlohmann::ordered_json rules_json(const Snapshot& s);
// All of it in one object (the live-update stream sends this).
nlohmann::ordered_json snapshot_json(const Snapshot& s);

}  // namespace gsmq::dashboard
