// The one parser of endpoint query parameters: a URL's query checked against its
// adapter's table (param_spec.h) before anything connects. An unknown or misspelt name,
// a bad value, a parameter of another role or a TLS parameter on a plain scheme is a
// usage error (exit 2) that names it; adapters then read typed values, never the query.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "endpoint/adapter.h"
#include "endpoint/url.h"

namespace gsmq::endpoint {

class Params {
 public:
  // The values read by the accessors below: what the URL gave, else the declared
  // default, else false, 0 or "". Asking for a name the table does not declare, or with
  // the wrong type, is a programming error (std::logic_error).
  bool given(std::string_view name) const;
  bool flag(std::string_view name) const;          // boolean
  uint64_t number(std::string_view name) const;    // unsigned, size
  Duration duration(std::string_view name) const;  // duration; its keyword gives Duration::max()
  std::string text(std::string_view name) const;   // string, path, enumeration (as declared)

  // The parameters handed on to the peer (Adapter::passes_unknown), in query order.
  const std::vector<std::pair<std::string, std::string>>& passed_on() const { return passed_on_; }

 private:
  friend Params parse_params(const Adapter&, const EndpointUrl&, Roles);
  using Value = std::variant<bool, uint64_t, Duration, std::string>;
  struct Given {
    const ParamSpec* spec;
    Value value;
  };
  const ParamSpec& spec(std::string_view name) const;  // the declaration for our role
  Value value(std::string_view name) const;

  std::span<const ParamSpec> table_;
  Roles role_ = kAnyRole;
  std::vector<Given> given_;
  std::vector<std::pair<std::string, std::string>> passed_on_;
};

// Checks the query of `url` (whose scheme is one of `adapter`'s) for a URL opened as
// `role` (opened_as(); kAnyRole to check names and values only). Error(usage)
// naming the parameter, the scheme and what is valid.
Params parse_params(const Adapter& adapter, const EndpointUrl& url, Roles role);

}  // namespace gsmq::endpoint
