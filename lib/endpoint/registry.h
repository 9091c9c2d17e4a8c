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
