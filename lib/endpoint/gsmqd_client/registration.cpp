#include "endpoint/gsmqd_client/registration.h"

#include <array>

#include "endpoint/gsmqd_client/balanced.h"
#include "endpoint/gsmqd_client/connection.h"
#include "endpoint/gsmqd_client/sink.h"
#include "endpoint/gsmqd_client/sources.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  // A source reads one channel: without one the URL is wrong, whether gsmqd is there or not.
  if (url.path.empty()) throw Error(ErrorKind::usage, url.text + ": no channel (gsmq://HOST:PORT/CHANNEL)");
  if (url.servers.size() > 1) {
    auto each = settings_per_server(url, params, options);
    for (auto& s : each) s.channel = url.path;  // a source reads the URL's channel on each
    return open_merged_source(std::move(each), RetryPolicy::from(params));
  }
  return open_source_of_kind(connect(read_settings(url, params, options)));
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  if (url.servers.size() > 1) {
    const Balance balance = params.text("balance") == "round_robin" ? Balance::round_robin : Balance::hash;
    return open_balanced_sink(settings_per_server(url, params, options), balance, RetryPolicy::from(params), url.path);
  }
  return gsmqd_client::open_sink(connect(read_settings(url, params, options)));
}

constexpr std::array kSchemes = {
    Scheme{.name = "gsmq", .doc = "a channel of gsmqd, over gRPC", .default_port = kDefaultPort},
    Scheme{.name = "gsmqs", .doc = "a channel of gsmqd, over gRPC with TLS", .tls = true, .default_port = kDefaultPort}};

constexpr std::array<std::string_view, 5> kKinds = {"queue", "events", "store", "request", "respond"};
constexpr std::array<std::string_view, 2> kBalances = {"hash", "round_robin"};
constexpr std::array kOwnParams = {
    ParamSpec{.name = "kind", .type = ParamType::enumeration, .default_value = "queue", .choices = kKinds,
              .roles = kSource | kSink, .doc = "what the channel is used as (--events, --store, --request, --respond)"},
    ParamSpec{.name = "group", .type = ParamType::string, .roles = kSource,
              .doc = "events, store, respond: share the channel with the other members of this group"},
    ParamSpec{.name = "from", .type = ParamType::string, .roles = kSource,
              .doc = "store: where to start: new (default), first, last, seq:N, time:T or since:DURATION"},
    ParamSpec{.name = "visibility", .type = ParamType::duration, .roles = kSource,
              .doc = "queue: in flight this long before it is handed out again (default: the daemon's)"},
    ParamSpec{.name = "prefetch", .type = ParamType::unsigned_number, .default_value = "1024", .min = 1, .max = 65536,
              .roles = kSource, .doc = "queue: messages taken per Receive call, at most"},
    ParamSpec{.name = "timeout", .type = ParamType::duration, .default_value = "5s", .roles = kSink,
              .doc = "request: how long to wait for the reply"},
    ParamSpec{.name = "balance", .type = ParamType::enumeration, .default_value = "hash", .choices = kBalances,
              .roles = kSink,
              .doc = "with several daemons (HOST:PORT,HOST:PORT): hash of the channel (one daemon per channel, "
                     "its order kept) or round_robin"},
    ParamSpec{.name = "token", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "IDENTITY:SECRET, a bearer token for gsmqd --tokens (default: $GSMQ_TOKEN); never printed"},
    kConnectTimeout,
    kRetry,
    kRetryFor,
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{
    .kind = "gsmqd_client",
    .schemes = kSchemes,
    .params = kParams,
    .connect_only = "gsmq:// and gsmqs:// connect to gsmqd, which does the listening (gsmqd --listen): "
                    "gsmq://HOST:PORT/CHANNEL",
    .several_servers = true,
    .open_source = open_source,
    .open_sink = open_sink};

}  // namespace gsmq::endpoint::gsmqd_client
