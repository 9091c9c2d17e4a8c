// Runs gsmqd: opens the Broker on the data directory, joins the federation when it has a
// name, serves gRPC until SIGINT/SIGTERM, then stops its links and taking requests,
// finishes what is in flight and commits everything.
#pragma once

#include <string>

#include <optional>

#include "daemon/access_in_force.h"
#include "daemon/server_tls.h"
#include "federation/federation.h"
#include "policy/channel_policy.h"
#include "policy/rate_limit.h"
#include "server/broker.h"

namespace gsmq::daemon {

struct DaemonOptions {
  std::string listen = "127.0.0.1:7878";
  std::string port_file;  // written with the bound port once serving (for --listen HOST:0)
  server::BrokerOptions broker;
  std::optional<federation::FederationOptions> federation;  // set: a federated daemon
  std::string rules;  // --rules FILE: applied to every accepted message; reloaded on SIGHUP
  std::string http;            // --http HOST:PORT: the dashboard, /api and /metrics; empty: off
  std::string http_port_file;  // written with the bound --http port once serving
  std::vector<policy::ChannelPolicy> channel_policies;  // --channel-policy, in the order given
  ServerTls tls;      // --tls-*: TLS on the gRPC port
  AccessOptions access;  // --acl, --tokens, --allow-anonymous; reloaded on SIGHUP
  uint64_t max_connections = 0;                    // --max-connections; 0: no limit
  std::vector<policy::RateLimit> rate_limits;      // --rate-limit, in the order given
};

// The default data directory: $GSMQ_DATA_DIR, else /var/lib/gsmq for root, else
// $XDG_DATA_HOME/gsmq, else ~/.local/share/gsmq.
std::string default_data_dir();

int run_daemon(const DaemonOptions& options);

}  // namespace gsmq::daemon
