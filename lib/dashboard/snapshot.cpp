#include "dashboard/snapshot.h"

#include <sys/statvfs.h>

#include <chrono>

#include "rpc/admin_json.h"
#include "util/error.h"

namespace gsmq::dashboard {
namespace {

// Each call with its own deadline: a daemon that is stopping answers UNAVAILABLE at once.
template <class Request, class Response, class Call>
void ask(Call call, const char* what, const std::string& authorization, Response* response) {
  grpc::ClientContext context;
  prepare_context(context, std::chrono::seconds(5), authorization);
  const grpc::Status status = call(&context, Request{}, response);
  if (status.ok()) return;
  const std::string text = std::string(what) + ": " + status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) throw CallerRefused(true, text);
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) throw CallerRefused(false, text);
  throw Error(ErrorKind::unavailable, text);
}

StorageSpace storage_of(const Snapshot& s) {
  StorageSpace space;
  for (const auto& ch : s.channels.channels()) space.used_bytes += ch.bytes();
  struct statvfs fs {};
  if (!s.ping.data_dir().empty() && ::statvfs(s.ping.data_dir().c_str(), &fs) == 0) {
    space.free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    space.total_bytes = static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
  }
  return space;
}

}  // namespace

void prepare_context(grpc::ClientContext& context, std::chrono::milliseconds timeout,
                     const std::string& authorization) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
}

Snapshot take_snapshot(v1::Broker::StubInterface& daemon, const std::string& authorization) {
  Snapshot s;
  const auto& a = authorization;
  ask<v1::PingRequest>([&](auto* c, const auto& q, auto* r) { return daemon.Ping(c, q, r); }, "Ping", a, &s.ping);
  ask<v1::ListChannelsRequest>([&](auto* c, const auto& q, auto* r) { return daemon.ListChannels(c, q, r); },
                               "ListChannels", a, &s.channels);
  ask<v1::ListLinksRequest>([&](auto* c, const auto& q, auto* r) { return daemon.ListLinks(c, q, r); }, "ListLinks",
                            a, &s.links);
  ask<v1::ListRulesRequest>([&](auto* c, const auto& q, auto* r) { return daemon.ListRules(c, q, r); }, "ListRules",
                            a, &s.rules);
  ask<v1::StoreStatsRequest>([&](auto* c, const auto& q, auto* r) { return daemon.StoreStats(c, q, r); },
                             "StoreStats", a, &s.store);
  s.storage = storage_of(s);
  s.taken_us = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  return s;
}

nlohmann::ordered_json overview_json(const Snapshot& s) {
  nlohmann::ordered_json j = ping_json(s.ping);
  uint64_t depth = 0, in_flight = 0, consumers = 0;
  double in_rate = 0, out_rate = 0;
  for (const auto& ch : s.channels.channels()) {
    depth += ch.depth();
    in_flight += ch.in_flight();
    consumers += ch.consumers();
    in_rate += ch.in_rate();
    out_rate += ch.out_rate();
  }
  j["channels"] = s.channels.channels_size();
  j["depth"] = depth;
  j["in_flight"] = in_flight;
  j["consumers"] = consumers;
  j["in_rate"] = in_rate;
  j["out_rate"] = out_rate;
  j["links"] = s.links.links_size();
  j["rules"] = s.rules.rules_size();
  j["storage"] = {{"used_bytes", s.storage.used_bytes},
                  {"free_bytes", s.storage.free_bytes},
                  {"total_bytes", s.storage.total_bytes}};
  j["taken_us"] = s.taken_us;
  return j;
}

nlohmann::ordered_json channels_json(const Snapshot& s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& ch : s.channels.channels()) out.push_back(channel_json(ch));
  return out;
}

nlohmann::ordered_json links_json(const Snapshot& s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& l : s.links.links()) out.push_back(link_json(l, s.links.deduplicated()));
  return out;
}

nlohmann::ordered_json rules_json(const Snapshot& s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : s.rules.rules()) out.push_back(rule_json(r, s.rules));
  return out;
}

nlohmann::ordered_json snapshot_json(const Snapshot& s) {
  nlohmann::ordered_json j;
  j["overview"] = overview_json(s);
  j["channels"] = channels_json(s);
  j["links"] = links_json(s);
  j["rules"] = rules_json(s);
  return j;
}

}  // namespace gsmq::dashboard
