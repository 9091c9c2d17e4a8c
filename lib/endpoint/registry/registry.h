// The adapter registry: every URL scheme the tools speak, and the adapter that opens it
// (open_source and open_sink in endpoint.h go through it). --endpoints prints it.
#pragma once

#include <span>
#include <string_view>

#include "endpoint/adapter.h"

namespace gsmq::endpoint {

// Every adapter, in the order --endpoints lists them.
std::span<const Adapter* const> registered_adapters();

// The adapter of `scheme` ("mqtts"), or nullptr.
const Adapter* find_adapter(std::string_view scheme);

}  // namespace gsmq::endpoint

namespace gsmq {

// Opens the endpoint a URL names, as a source or as a sink, through its adapter: the
// URL's parameters are checked against the adapter's table first (usage errors, exit 2).
std::unique_ptr<Source> open_source(const std::string& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const std::string& url, const EndpointOptions& options);

}  // namespace gsmq
