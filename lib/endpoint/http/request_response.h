// Plain HTTP request and response values (no Beast), so that the mapping between
// messages and HTTP can be written and tested without a network.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gsmq::endpoint::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "POST", "PUT", ...
  std::string target;  // origin form: "/path?query"
  Headers headers;
  std::string body;
};

struct Response {
  int status = 200;
  Headers headers;  // Content-Type among them when there is a body
  std::string body;
};

// ASCII case-insensitive comparison, as for header names.
bool iequals(std::string_view a, std::string_view b);

// The value of the first header named `name` (case-insensitive), if any.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

// The media type of a Content-Type value, lower case, without parameters and spaces:
// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);

// True for application/json and any */*+json media type.
bool is_json_media_type(std::string_view content_type);

// True when a body of this Content-Type is to be kept as a JSON value in the envelope
// (a JSON media type and a body that parses as JSON other than a string).
bool body_is_json(std::string_view content_type, std::string_view body);

// The standard reason phrase for a status ("Not Found"), or "" when unknown.
std::string_view reason_phrase(int status);

}  // namespace gsmq::endpoint::http
