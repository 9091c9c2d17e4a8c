// A federated gsmqd (docs/federation.md): its place in the Core/Cluster/Node hierarchy,
// its links (to its upstream and to its peers), its forwarding rules, and the part it
// takes in accepting messages (server::Forwarding): duplicates of what came over a link
// are kept once, loops are cut, and every accepted message that a rule forwards gets a
// durable copy in the outbox of each link it goes to, stored with it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "federation/dedup_window.h"
#include "federation/forward_rule.h"
#include "federation/link.h"
#include "server/broker.h"
#include "server/forwarding.h"

namespace gsmq::federation {

using server::kOutboxPrefix;
inline constexpr std::string_view kUpstreamOutbox = "$out/^up";  // '^' is not in names

struct Neighbour {
  std::string name;  // "" only for an upstream named by its Ping
  std::string url;   // gsmq://HOST:PORT
};

struct FederationOptions {
  std::string name;                  // this daemon's name, unique in the federation
  std::string role;                  // node, cluster or core
  std::optional<Neighbour> upstream;
  std::vector<Neighbour> peers;
  std::vector<ForwardRule> rules;
  size_t max_hops = 8;
  size_t dedup_window = 1000000;     // ids of arrivals over links remembered
  // (A link's backlog limit and overflow policy are its outbox's: BrokerOptions::outbox.)
};

// "[NAME=]URL": a neighbour as --upstream and --peer take it; nullopt with `error` set.
std::optional<Neighbour> parse_neighbour(const std::string& text, bool name_required, std::string& error);

class Federation : public server::Forwarding {
 public:
  // Installs itself in `broker` (which must outlive it) and opens the dedup window.
  Federation(server::Broker& broker, FederationOptions options);
  ~Federation() override;

  void start();  // dials the links this daemon dials
  void stop();

  const FederationOptions& options() const { return options_; }
  v1::ListLinksResponse links();

  // server::Forwarding
  Arrival arrival(v1::Message& message, bool& to_store, std::string& key) override;
  void arrived(std::vector<std::string> keys, bool ok, std::function<void()> done) override;
  void copies(const v1::Message& message, bool to_store, std::vector<v1::Message>& out) override;

 private:
  // The outbox and the neighbour's name (if known) a forwarding goes to; false when the
  // rule names no neighbour this daemon has in that direction.
  std::vector<std::pair<std::string, std::string>> targets(const ForwardRule& rule, const std::string& to) const;

  server::Broker& broker_;
  const FederationOptions options_;
  DedupWindow dedup_;
  std::vector<std::unique_ptr<Link>> links_;
};

}  // namespace gsmq::federation
