#include "endpoint/gsmqd_client/connection.h"

#include <cstdio>
#include <thread>

#include "endpoint/backoff.h"
#include "util/signals.h"
#include "util/program_name.h"

namespace gsmq::endpoint::gsmqd_client {

std::shared_ptr<Connection> connect(const EndpointUrl& url, const EndpointOptions& options) {
  auto c = std::make_shared<Connection>();
  const std::string host = url.host.empty() || url.host == "*" ? "127.0.0.1" : url.host;
  const bool ipv6 = host.find(':') != std::string::npos;
  c->target = (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(url.port.value_or(kDefaultPort));
  c->channel = url.path;
  c->options = options;
  auto& o = c->options;
  o.kind = url.param("kind", o.kind);
  o.group = url.param("group", o.group);
  o.from = url.param("from", o.from);
  auto duration_param = [&](const char* key, Duration& into) {
    const std::string text = url.param(key);
    if (text.empty()) return;
    auto d = parse_duration(text);
    if (!d) throw ToolError(kExitUsage, std::string("?") + key + "=" + text + " is not a duration");
    into = *d;
  };
  duration_param("visibility", o.visibility);
  duration_param("timeout", o.request_timeout);
  duration_param("connect_timeout", o.connect_timeout);
  duration_param("retry_for", c->retry_for);
  if (const std::string text = url.param("prefetch"); !text.empty()) {
    const bool digits = text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos;
    const unsigned long n = digits ? std::stoul(text) : 0;
    if (n < 1 || n > 65536) throw ToolError(kExitUsage, "?prefetch=" + text + ": expected a whole number from 1 to 65536");
    o.prefetch = static_cast<uint32_t>(n);
  }
  c->retry_forever = url.flag("retry");
  static const char* kinds[] = {"queue", "events", "store", "request", "respond"};
  if (std::find(std::begin(kinds), std::end(kinds), o.kind) == std::end(kinds))
    throw ToolError(kExitUsage, "?kind=" + o.kind + ": expected queue, events, store, request or respond");

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  args.SetMaxSendMessageSize(256 << 20);
  // gRPC's own reconnect back-off grows to two minutes: a daemon that came back would be
  // noticed that late. Ours (wait_for_daemon) decides how long to keep trying.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  c->grpc_channel = grpc::CreateCustomChannel(c->target, grpc::InsecureChannelCredentials(), args);
  c->stub = v1::Broker::NewStub(c->grpc_channel);
  const grpc::Status answer = ping(*c, o.connect_timeout);
  if (!answer.ok() && !(c->retry_forever && wait_for_daemon(*c, Clock::now())))
    throw ToolError(kExitUnavailable, "cannot connect to gsmqd at " + c->target + ": " + connect_failure(answer, o.connect_timeout));
  return c;
}

grpc::Status ping(Connection& c, Duration timeout) {
  // A Ping that is not wait-for-ready fails as soon as the connection attempt does
  // (refused, no route, unknown host), so a missing daemon is reported at once, with the
  // reason; only a peer that does not answer at all takes the whole timeout.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(timeout));
  v1::PingRequest request;
  v1::PingResponse response;
  return c.stub->Ping(&context, request, &response);
}

std::string connect_failure(const grpc::Status& status, Duration timeout) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return "no answer within " + format_duration(timeout);
  // gRPC says "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1:
  // Failed to connect to remote host: Connection refused": the last part is the reason.
  const std::string& text = status.error_message();
  const auto last = text.rfind(": ");
  return last == std::string::npos ? text : text.substr(last + 2);
}

bool wait_for_daemon(Connection& c, Clock::time_point since, const std::function<bool()>& give_up) {
  Backoff backoff;
  for (;;) {
    if (stop_requested() || (give_up && give_up())) return false;
    if (!c.retry_forever && Clock::now() - since >= c.retry_for) return false;
    const auto attempt = std::chrono::system_clock::now() + std::chrono::seconds(1);
    if (c.grpc_channel->WaitForConnected(attempt)) return true;
    std::this_thread::sleep_for(backoff.next());
  }
}

bool reconnect_after(Connection& c, const grpc::Status& status, const std::function<bool()>& give_up) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE || stop_requested()) return false;
  std::fprintf(stderr, "%s: %s; reconnecting\n", program_name().c_str(), describe(c, status).c_str());
  return wait_for_daemon(c, Clock::now(), give_up);
}

std::string describe(const Connection& c, const grpc::Status& status) {
  return "gsmqd at " + c.target + ": " + status.error_message() + " (" + std::to_string(status.error_code()) + ")";
}

ExitStatus exit_status_for(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: return kExitUsage;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED: return kExitRefused;
    default: return kExitUnavailable;
  }
}

}  // namespace gsmq::endpoint::gsmqd_client
