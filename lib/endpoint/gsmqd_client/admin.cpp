#include "endpoint/gsmqd_client/admin.h"

#include "endpoint/gsmqd_client/connection.h"
#include "endpoint/gsmqd_client/registration.h"
#include "rpc/admin_json.h"

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
  for (const auto& ch : response.channels()) out.push_back(channel_json(ch));
  return out;
}

nlohmann::ordered_json ping(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::PingResponse response;
  const auto status = c->stub->Ping(with_deadline(context), v1::PingRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  nlohmann::ordered_json j = ping_json(response);
  j["address"] = c->target;
  return j;
}

std::vector<nlohmann::ordered_json> list_links(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ListLinksResponse response;
  const auto status = c->stub->ListLinks(with_deadline(context), v1::ListLinksRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  std::vector<nlohmann::ordered_json> out;
  for (const auto& l : response.links()) out.push_back(link_json(l, response.deduplicated()));
  return out;
}

std::vector<nlohmann::ordered_json> list_rules(const std::string& url) {
  auto c = connect_url(url);
  grpc::ClientContext context;
  v1::ListRulesResponse response;
  const auto status = c->stub->ListRules(with_deadline(context), v1::ListRulesRequest{}, &response);
  if (!status.ok()) throw Error(error_kind_of(status), describe(*c, status));
  std::vector<nlohmann::ordered_json> out;
  for (const auto& r : response.rules()) out.push_back(rule_json(r, response));
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
