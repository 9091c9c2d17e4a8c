// Tells the service manager what gsmqd is doing (systemd's sd_notify protocol, for
// Type=notify units): "READY=1" once it serves, "STOPPING=1" when it begins to stop.
// One datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for an
// abstract socket); without $NOTIFY_SOCKET it does nothing. Failures are logged, never
// fatal: gsmqd serves whether or not a manager listens.
#pragma once

#include <string_view>

namespace gsmq::daemon {

// Sends `state` (newline-separated KEY=VALUE assignments); false when it could not.
bool notify_service_manager(std::string_view state);

}  // namespace gsmq::daemon
