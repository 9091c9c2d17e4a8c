// The dashboard's requests, apart from how they arrive: a method, a path and a query, a
// body in; a status, a content type and a body out. http_server.cpp carries them over
// HTTP; the routes are listed in docs/admin-api.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dashboard/request_metrics.h"
#include "gsmq/v1/broker.grpc.pb.h"

namespace gsmq::dashboard {

struct ApiRequest {
  std::string method;                 // GET, POST, ...
  std::vector<std::string> segments;  // the path's, each percent-decoded ("/" -> none)
  std::map<std::string, std::string> query;
  std::string body;
  std::string authorization;  // the caller's Authorization header, passed on to the daemon
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

ApiResponse handle_api(const ApiRequest& request, v1::Broker::StubInterface& daemon, const RequestMetrics& requests);

// "/api/channels/a%2Fb/messages?limit=5" -> segments {api, channels, a/b, messages} and
// query {limit: 5}: the path is split before it is decoded, as a channel name may hold
// '/'. False for a target that is not an absolute path or has a bad %-escape.
bool split_target(const std::string& target, ApiRequest& request);

}  // namespace gsmq::dashboard
