// gsmq-send: messages from stdin (JSON lines or --raw lines) or from -m, into an endpoint.
#include "cli/tool.h"
#include "endpoint/list_source.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"Send messages to an endpoint: JSON lines from stdin (or --raw lines, or -m TEXT).\n"
               "Exits after every message was confirmed by the endpoint.",
               "gsmq-send"};
  app.set_version_flag("-V,--version", version_text("gsmq-send"));
  CommonFlags flags;
  std::string url;
  std::vector<std::string> bodies;
  std::optional<int> priority;
  app.add_option("URL", url, "Where to send (gsmq(7) ENDPOINTS): file:PATH, - (stdout), ...")->required();
  app.add_option("-m,--message", bodies, "Send TEXT as one message body instead of reading stdin (repeatable)");
  app.add_option("-p,--priority", priority, "Priority 0-9 for messages that set none (higher first)")
      ->check(CLI::Range(0, 9));
  add_common_flags(app, flags, kInputFlags | kFlowFlags);
  app.footer(
      "Examples:\n"
      "  echo '{\"channel\":\"sensors/door\",\"body\":\"open\"}' | gsmq-send file:out.jsonl\n"
      "  gsmq-send -m hello -m world -\n"
      "  tail -f app.log | gsmq-send --raw file:log.jsonl\n"
      "Exit status: 0 ok, 1 delivery failed, 2 usage, 3 bad input line, 4 unavailable, 7 internal.\n"
      "See gsmq-send(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    Diagnostics diagnostics;
    diagnostics.program = "gsmq-send";
    const EndpointOptions options = endpoint_options(flags, diagnostics);
    auto sink = open_sink(url, options);
    std::unique_ptr<Source> source;
    if (bodies.empty()) {
      source = open_source("-", options);
    } else {
      std::vector<Message> messages;
      for (auto& body : bodies) messages.push_back(message_from_raw_line(body));
      source = std::make_unique<ListSource>(std::move(messages));
    }
    PumpOptions pump = pump_options(flags);
    pump.transform = [&](Message& m) {
      if (priority && m.priority == 0) m.priority = *priority;
      return true;
    };
    const PumpStats stats = run_pump(*source, *sink, pump);
    return pump_exit_status(stats, pump, diagnostics);
  });
}
