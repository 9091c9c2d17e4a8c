// Runs gsmqd: opens the Broker on the data directory, serves gRPC until SIGINT/SIGTERM,
// then stops taking requests, finishes what is in flight and commits everything.
#pragma once

#include <string>

#include "server/broker.h"

namespace gsmq::server {

struct DaemonOptions {
  std::string listen = "127.0.0.1:7878";
  std::string port_file;  // written with the bound port once serving (for --listen HOST:0)
  BrokerOptions broker;
};

// The default data directory: $GSMQ_DATA_DIR, else /var/lib/gsmq for root, else
// $XDG_DATA_HOME/gsmq, else ~/.local/share/gsmq.
std::string default_data_dir();

int run_daemon(const DaemonOptions& options);

}  // namespace gsmq::server
