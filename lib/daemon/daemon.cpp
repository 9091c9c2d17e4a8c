#include "daemon/daemon.h"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <thread>
#include <unistd.h>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include "daemon/accept_policy.h"
#include "daemon/connections.h"
#include "daemon/rules_in_force.h"
#include "daemon/service_notify.h"
#include "dashboard/http_server.h"
#include "dashboard/request_metrics.h"
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

namespace {
// SIGHUP: reload the rules. A self-pipe the main loop polls beside the stop signal.
int g_hangup[2] = {-1, -1};
void on_hangup(int) {
  const char c = 1;
  [[maybe_unused]] auto n = ::write(g_hangup[1], &c, 1);
}
int hangup_fd() {
  if (g_hangup[0] < 0) {
    if (::pipe2(g_hangup, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction sa {};
    sa.sa_handler = on_hangup;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &sa, nullptr);
  }
  return g_hangup[0];
}
}  // namespace

namespace {
// Writes `port` to `file` (when named) so that it appears whole, for scripts polling it.
void write_port_file(const std::string& file, int port) {
  if (file.empty()) return;
  const std::string tmp = file + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), file.c_str());
}
}  // namespace

int run_daemon(const DaemonOptions& options) {
  // Read before anything opens: a bad file stops gsmqd at once, with file, line and reason.
  check_server_tls(options.tls);
  const int hangup = hangup_fd();  // SIGHUP reloads from now on, and never ends gsmqd
  std::unique_ptr<RulesInForce> rules;
  if (!options.rules.empty()) rules = std::make_unique<RulesInForce>(options.rules);
  std::unique_ptr<AcceptPolicy> accept_policy;
  if (rules || !options.channel_policies.empty())
    accept_policy = std::make_unique<AcceptPolicy>(rules.get(), options.channel_policies);
  std::unique_ptr<AccessInForce> access;
  if (options.access.enabled()) access = std::make_unique<AccessInForce>(options.access);
  server::Broker broker(options.broker);
  if (accept_policy) broker.set_policy(accept_policy.get());
  server::BrokerService service(broker);
  if (rules) service.set_rules([&] { return rules->list(); }, [&] { return rules->reload(); });
  if (access) service.set_access(access.get(), [&] { return access->reload(); });
  Connections connections(options.max_connections);
  // Without a limit no call asks (the hot path of sends stays as it was); Ping counts.
  std::function<grpc::Status(const grpc::ServerContext&)> admit_connection;
  if (options.max_connections > 0) admit_connection = [&](const grpc::ServerContext& c) { return connections.admit(c); };
  service.set_connections(std::move(admit_connection), [&] { return connections.count(); });
  policy::RateLimits rate_limits(options.rate_limits);
  if (!rate_limits.empty()) service.set_rate_limits(&rate_limits);
  std::unique_ptr<federation::Federation> federated;
  if (options.federation) {
    federated = std::make_unique<federation::Federation>(broker, *options.federation);
    service.set_federation(options.federation->name, options.federation->role, [&] { return federated->links(); });
  }
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, server_credentials(options.tls), &port);
  // gRPC sets SO_REUSEPORT by default: a second gsmqd on the same port would then start
  // too, and clients would be spread over two daemons with different data.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 1);  // the connections' count and limit
  builder.SetMaxReceiveMessageSize(256 << 20);
  builder.SetMaxSendMessageSize(256 << 20);
  // The synchronous server keeps at most MAX_POLLERS idle threads waiting for calls; with
  // gRPC's default of 2, a receiver's Receive and Settle calls made it start and end a
  // thread for nearly every call (87 threads for 100k messages received): receive + ack
  // cost gsmqd 11-13 µs of CPU per message, 3.7 µs with threads kept (bench/README.md).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 8);
  builder.RegisterService(&service);
  dashboard::RequestMetrics request_metrics;  // every call counted, for /metrics
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(request_metrics.interceptor_factory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) throw Error(ErrorKind::unavailable, "cannot listen on " + options.listen);
  connections.watch_newest_server();
  std::unique_ptr<dashboard::HttpServer> http;
  if (!options.http.empty()) {
    dashboard::HttpOptions http_options;
    http_options.listen = options.http;
    if (options.tls.enabled()) {  // the same TLS as the gRPC port
      using Cert = dashboard::HttpTls::ClientCert;
      const auto& t = options.tls;
      http_options.tls = {.cert_file = t.cert_file, .key_file = t.key_file, .ca_file = t.ca_file,
                          .client_cert = t.client_auth == ClientAuth::require   ? Cert::require
                                         : t.client_auth == ClientAuth::request ? Cert::request
                                                                                : Cert::none};
    }
    http = std::make_unique<dashboard::HttpServer>(std::move(http_options),
                                                   server->InProcessChannel(grpc::ChannelArguments{}), request_metrics);
    try {
      http->start();
    } catch (const Error&) {
      server->Shutdown(std::chrono::system_clock::now());
      throw;
    }
    write_port_file(options.http_port_file, http->port());
    log::info("dashboard", {{"addr", options.http}, {"port", std::to_string(http->port())},
                            {"scheme", options.tls.enabled() ? "https" : "http"}});
  }
  write_port_file(options.port_file, port);
  log::info("listening", {{"addr", options.listen}, {"port", std::to_string(port)},
                          {"data_dir", options.broker.data_dir.string()},
                          {"fsync", std::string(store::to_string(options.broker.fsync))},
                          {"tls", options.tls.enabled() ? "on" : "off"},
                          {"access", options.access.enabled() ? "checked" : "open to every caller"},
                          {"max_connections", options.max_connections ? std::to_string(options.max_connections) : "no limit"},
                          {"rate_limits", std::to_string(options.rate_limits.size())},
                          {"version", GSMQ_VERSION}});
  if (rules) log::info("rules in force", {{"file", options.rules}, {"rules", std::to_string(rules->list().rules_size())}});
  if (federated) {
    log::info("federated", {{"name", options.federation->name}, {"role", options.federation->role},
                            {"rules", std::to_string(options.federation->rules.size())}});
    federated->start();
  }
  // Type=notify units (deploy/systemd/gsmqd.service): serving now.
  notify_service_manager("READY=1\nSTATUS=serving on " + options.listen + ", port " + std::to_string(port));

  pollfd p[2] = {{stop_fd(), POLLIN, 0}, {hangup, POLLIN, 0}};
  while (!stop_requested()) {
    ::poll(p, 2, 1000);
    if (!(p[1].revents & POLLIN)) continue;
    char drain[64];
    while (::read(p[1].fd, drain, sizeof drain) > 0) {
    }
    if (rules) rules->reload();
    if (access) access->reload();
    if (!rules && !access)
      log::warn("SIGHUP: there are no rules to reload, nor an ACL or tokens "
                "(gsmqd runs without --rules, --acl and --tokens)");
  }
  log::info("stopping: finishing requests in flight");
  notify_service_manager("STOPPING=1");
  if (http) http->stop();  // live-update streams end first: they hold in-process calls
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
