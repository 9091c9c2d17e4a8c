#include "endpoint/adapter.h"

namespace gsmq::endpoint {

const Scheme* find_scheme(const Adapter& adapter, std::string_view name) {
  for (const Scheme& s : adapter.schemes)
    if (s.name == name) return &s;
  return nullptr;
}

std::string url_prefix(const Scheme& scheme) {
  if (scheme.name == "-") return "-";
  if (scheme.name == "file") return "file:";
  return std::string(scheme.name) + "://";
}

void usage_error(const EndpointUrl& url, const std::string& what) { throw Error(ErrorKind::usage, url.text + ": " + what); }

Roles opened_as(const Adapter& adapter, const EndpointUrl& url, Role role) {
  if ((adapter.roles & kListener) && url.listens()) return kListener;
  return role == Role::source ? kSource : kSink;
}

}  // namespace gsmq::endpoint
