// SIGINT/SIGTERM handling shared by every tool: the first signal asks for a graceful
// drain, a second one exits at once. SIGPIPE is ignored so a closed pipe shows up as EPIPE.
#pragma once

namespace gsmq {

void install_signal_handlers();
bool stop_requested();
void request_stop();   // as if a signal had arrived (used by tests and tools)
int stop_fd();         // readable once a stop was requested: poll() it beside your own fd

}  // namespace gsmq
