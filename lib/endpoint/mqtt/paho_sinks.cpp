#include "endpoint/mqtt/paho_sinks.h"

#include <atomic>

namespace gsmq::endpoint::mqtt {
namespace {
std::atomic<int> open_sinks{0};
}

void paho_sink_opened() { ++open_sinks; }
void paho_sink_closed() { --open_sinks; }
bool paho_sinks_open() { return open_sinks.load() > 0; }

}  // namespace gsmq::endpoint::mqtt
