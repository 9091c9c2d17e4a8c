#include "daemon/connections.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <grpc/grpc.h>
#include <grpc/support/alloc.h>
#include <nlohmann/json.hpp>

#include "util/log.h"

namespace gsmq::daemon {
namespace {

// A channelz answer (a JSON text gRPC allocated), parsed; null when there is none.
nlohmann::json channelz(char* text) {
  if (!text) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, false);
  gpr_free(text);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

int64_t id_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return -1;
  const auto& v = j[key];
  if (v.is_string()) return std::strtoll(v.get<std::string>().c_str(), nullptr, 10);
  return v.is_number_integer() ? v.get<int64_t>() : -1;
}

// A peer as ServerContext::peer() says it ("ipv4:127.0.0.1:5555"); channelz names a
// server socket "chttp2 " and the same.
std::string peer_of_socket_name(const std::string& name) {
  const auto space = name.rfind(' ');
  return space == std::string::npos ? name : name.substr(space + 1);
}

bool is_network_peer(const std::string& peer) {
  return peer.rfind("ipv4:", 0) == 0 || peer.rfind("ipv6:", 0) == 0 || peer.rfind("unix:", 0) == 0;
}

}  // namespace

void Connections::watch_newest_server() {
  // Enabling channelz on the server is gRPC's default; gsmqd's one server is the newest.
  const auto servers = channelz(grpc_channelz_get_servers(0));
  if (!servers.is_object() || !servers.contains("server")) return;
  for (const auto& s : servers["server"])
    if (s.contains("ref")) server_id_ = std::max<intptr_t>(server_id_, id_of(s["ref"], "serverId"));
  if (server_id_ < 0) log::warn("cannot count connections: gRPC's channelz lists no server");
}

Connections::Peers Connections::list() const {
  std::map<int64_t, std::string> sockets;  // by id: oldest first
  if (server_id_ < 0) return {};
  intptr_t start = 0;
  for (int pages = 0; pages < 100000; ++pages) {
    const auto page = channelz(grpc_channelz_get_server_sockets(server_id_, start, 0));
    if (!page.is_object()) break;
    if (page.contains("socketRef"))
      for (const auto& ref : page["socketRef"]) {
        const int64_t id = id_of(ref, "socketId");
        if (id >= 0) sockets[id] = peer_of_socket_name(ref.value("name", std::string()));
      }
    if (page.value("end", false) || sockets.empty() || sockets.rbegin()->first < start) break;
    start = static_cast<intptr_t>(sockets.rbegin()->first + 1);
  }
  Peers peers;
  for (const auto& [id, peer] : sockets) {
    if (max_ == 0 || peers.served.size() < max_) peers.served.insert(peer);
    else peers.waiting.insert(peer);
  }
  return peers;
}

void Connections::refresh() {
  peers_ = list();
  refreshed_ = std::chrono::steady_clock::now();
}

grpc::Status Connections::admit(const grpc::ServerContext& context) {
  if (max_ == 0) return grpc::Status::OK;
  const std::string peer = context.peer();
  if (!is_network_peer(peer)) return grpc::Status::OK;  // the dashboard's in-process channel
  std::lock_guard lock(mutex_);
  // A served connection stays served (only older ones can close before it); a new one
  // is looked up, and one that waits is looked at again when the list is old.
  if (peers_.served.count(peer)) return grpc::Status::OK;
  if (!peers_.waiting.count(peer) || std::chrono::steady_clock::now() - refreshed_ > std::chrono::milliseconds(200))
    refresh();
  if (peers_.served.count(peer)) return grpc::Status::OK;
  // Not listed at all (closing, or not yet registered): served when there is room.
  if (!peers_.waiting.count(peer) && peers_.served.size() < max_) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "gsmqd serves at most " + std::to_string(max_) +
                          " connections (--max-connections) and this one is over the limit; try again later");
}

uint64_t Connections::count() {
  std::lock_guard lock(mutex_);
  refresh();
  return peers_.served.size() + peers_.waiting.size();
}

}  // namespace gsmq::daemon
