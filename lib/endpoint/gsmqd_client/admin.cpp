#include "endpoint/gsmqd_client/admin.h"

#include "endpoint/gsmqd_client/connection.h"
#include "endpoint/gsmqd_client/registration.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {
std::shared_ptr<Connection> connect_url(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  if (!url) throw Error(ErrorKind::usage, error);
  if (url->scheme != "gsmq" && url->scheme != "gsmqs")
    throw Error(ErrorKind::usage, text + ": expected gsmq://HOST:PORT or gsmqs://HOST:PORT");
  return connect(read_settings(*url, parse_params(kAdapter, *url, kAnyRole), EndpointOptions{}));
}

grpc::ClientContext* with_deadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return &context;
}
}  // namespace

std::vector<nlohmann::ordered_json> list_channels(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ListChannelsResponse response;
  const auto status = c->stub->ListChannels(with_deadline(context), v1::ListChannelsRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  std::vector<nlohmann::ordered_json> out;
  for (const auto& ch : response.channels()) {
    nlohmann::ordered_json j;
    j["channel"] = ch.name();
    j["kind"] = ch.kind();
    j["depth"] = ch.depth();
    j["in_flight"] = ch.in_flight();
    j["delayed"] = ch.delayed();
    j["dead_lettered"] = ch.dead_lettered();
    j["expired"] = ch.expired();
    j["sent"] = ch.sent();
    j["delivered"] = ch.delivered();
    j["acked"] = ch.acked();
    j["in_rate"] = ch.in_rate();
    j["out_rate"] = ch.out_rate();
    j["consumers"] = ch.consumers();
    j["bytes"] = ch.bytes();
    j["last_seq"] = ch.last_seq();
    if (ch.dropped() > 0) j["dropped"] = ch.dropped();
    if (ch.on_time() > 0 || ch.late() > 0) {
      j["on_time"] = ch.on_time();
      j["late"] = ch.late();
      static constexpr const char* kSlack[] = {"lt_1ms", "lt_10ms", "lt_100ms", "lt_1s", "lt_10s", "ge_10s"};
      nlohmann::ordered_json slack = nlohmann::ordered_json::object();
      for (int k = 0; k < 6; ++k) slack[kSlack[k]] = k < ch.slack_size() ? ch.slack(k) : 0;
      j["slack"] = std::move(slack);
    }
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json ping(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::PingResponse response;
  const auto status = c->stub->Ping(with_deadline(context), v1::PingRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  nlohmann::ordered_json j;
  j["version"] = response.version();
  j["uptime_us"] = response.uptime_us();
  j["data_dir"] = response.data_dir();
  j["address"] = c->target;
  if (!response.name().empty()) j["name"] = response.name();
  if (!response.role().empty()) j["role"] = response.role();
  return j;
}

std::vector<nlohmann::ordered_json> list_links(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ListLinksResponse response;
  const auto status = c->stub->ListLinks(with_deadline(context), v1::ListLinksRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  std::vector<nlohmann::ordered_json> out;
  for (const auto& l : response.links()) {
    nlohmann::ordered_json j;
    j["link"] = l.name();
    j["direction"] = l.direction();
    j["state"] = l.state();
    if (!l.url().empty()) j["url"] = l.url();
    j["backlog"] = l.backlog();
    j["forwarded"] = l.forwarded();
    j["received"] = l.received();
    j["dropped"] = l.dropped();
    j["looped"] = l.looped();
    j["deduplicated"] = response.deduplicated();
    j["rtt_us"] = l.rtt_us();
    j["consumers"] = l.consumers();
    if (!l.last_error().empty()) j["last_error"] = l.last_error();
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<nlohmann::ordered_json> list_rules(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ListRulesResponse response;
  const auto status = c->stub->ListRules(with_deadline(context), v1::ListRulesRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  std::vector<nlohmann::ordered_json> out;
  for (const auto& r : response.rules()) {
    nlohmann::ordered_json j;
    j["set"] = r.set();
    j["rule"] = r.rule();
    j["line"] = r.line();
    j["hits"] = r.hits();
    j["dropped"] = r.dropped();
    j["over_limit"] = r.over_limit();
    j["file"] = response.file();
    j["loaded_us"] = response.loaded_us();
    if (!response.last_error().empty()) j["last_error"] = response.last_error();
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json reload_rules(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ReloadRulesResponse response;
  const auto status = c->stub->ReloadRules(with_deadline(context), v1::ReloadRulesRequest{}, &response);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) throw Error(ErrorKind::usage, status.error_message());
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  if (!response.error().empty())
    throw Error(ErrorKind::bad_input, response.error() + " (the rules in force stay: " + std::to_string(response.rules()) + " rules)");
  nlohmann::ordered_json j;
  j["rules"] = response.rules();
  return j;
}

nlohmann::ordered_json reload_access(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ReloadAccessResponse response;
  const auto status = c->stub->ReloadAccess(with_deadline(context), v1::ReloadAccessRequest{}, &response);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) throw Error(ErrorKind::usage, status.error_message());
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  if (!response.error().empty()) throw Error(ErrorKind::bad_input, response.error() + " (the files in force stay)");
  nlohmann::ordered_json j;
  j["acl_lines"] = response.acl_lines();
  j["tokens"] = response.tokens();
  return j;
}

}  // namespace gsmq::endpoint::gsmqd_client
