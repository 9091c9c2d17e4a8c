// What the daemon shows of itself at one moment: its identity, every channel, its links
// and rules, and its storage, read through the daemon's own gRPC API (the same answers
// `gsmqd channels|ping|links|rules show` print). The dashboard's pages, its /api and
// /metrics are all made from one Snapshot.
#pragma once

#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "gsmq/v1/broker.grpc.pb.h"

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
  StorageSpace storage;
  int64_t taken_us = 0;  // µs since the epoch
};

// Error(unavailable) when the daemon does not answer within a few seconds.
Snapshot take_snapshot(v1::Broker::StubInterface& daemon);

// The overview: identity, uptime, totals over the channels, storage.
nlohmann::ordered_json overview_json(const Snapshot& s);
nlohmann::ordered_json channels_json(const Snapshot& s);
nlohmann::ordered_json links_json(const Snapshot& s);
nlohmann::ordered_json rules_json(const Snapshot& s);
// All of it in one object (the live-update stream sends this).
nlohmann::ordered_json snapshot_json(const Snapshot& s);

}  // namespace gsmq::dashboard
