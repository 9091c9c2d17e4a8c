#include "daemon/daemon.h"

#include <cstdlib>
#include <fstream>
#include <poll.h>
#include <thread>
#include <unistd.h>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include "server/broker_service.h"
#include "util/error.h"
#include "util/log.h"
#include "util/signals.h"

namespace gsmq::daemon {

std::string default_data_dir() {
  if (const char* env = std::getenv("GSMQ_DATA_DIR"); env && *env) return env;
  if (::geteuid() == 0) return "/var/lib/gsmq";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/gsmq";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/gsmq";
  return "./gsmq-data";
}

int run_daemon(const DaemonOptions& options) {
  server::Broker broker(options.broker);
  server::BrokerService service(broker);
  std::unique_ptr<federation::Federation> federated;
  if (options.federation) {
    federated = std::make_unique<federation::Federation>(broker, *options.federation);
    service.set_federation(options.federation->name, options.federation->role, [&] { return federated->links(); });
  }
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
  // gRPC sets SO_REUSEPORT by default: a second gsmqd on the same port would then start
  // too, and clients would be spread over two daemons with different data.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(256 << 20);
  builder.SetMaxSendMessageSize(256 << 20);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) throw Error(ErrorKind::unavailable, "cannot listen on " + options.listen);
  if (!options.port_file.empty()) {
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), options.port_file.c_str());  // appears whole, for scripts polling it
  }
  log::info("listening", {{"addr", options.listen}, {"port", std::to_string(port)},
                          {"data_dir", options.broker.data_dir.string()},
                          {"fsync", std::string(store::to_string(options.broker.fsync))},
                          {"version", GSMQ_VERSION}});
  if (federated) {
    log::info("federated", {{"name", options.federation->name}, {"role", options.federation->role},
                            {"rules", std::to_string(options.federation->rules.size())}});
    federated->start();
  }

  pollfd p{stop_fd(), POLLIN, 0};
  while (!stop_requested()) ::poll(&p, 1, 1000);
  log::info("stopping: finishing requests in flight");
  if (federated) federated->stop();  // the links' pumps drain first, while the broker serves
  service.shutdown();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server->Wait();
  broker.stop();
  federated.reset();
  log::info("stopped");
  return 0;
}

}  // namespace gsmq::daemon
