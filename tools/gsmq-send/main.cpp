// gsmq-send: messages from stdin (JSON lines or --raw lines) or from -m, into an endpoint.
#include <cstdio>
#include <mutex>

#include "cli/tool.h"
#include "endpoint/registry/registry.h"
#include "pipeline/list_source.h"

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
  std::string ttl, delay, dead_letter, deadline;
  std::optional<uint32_t> max_receives;
  bool print = false, events = false, store = false, request = false;
  app.add_option("URL", url, "Where to send (gsmq(7) ENDPOINTS): gsmq://HOST:PORT/CHANNEL, file:PATH, - (stdout)")
      ->required();
  app.add_option("-m,--message", bodies, "Send TEXT as one message body instead of reading stdin (repeatable)");
  std::string channel;
  app.add_option("-t,--channel", channel,
                 "Give every message the channel CHANNEL, whatever its line says (a channel in the URL still wins)");
  app.add_option("-p,--priority", priority, "Priority 0-9 for messages that set none (higher first)")
      ->check(CLI::Range(0, 9));
  app.add_option("--ttl", ttl, "Queue policy: drop messages not received within DURATION (unless the line sets ttl_ms)");
  app.add_option("--delay", delay, "Queue policy: hold messages back for DURATION (unless the line sets delay_ms)");
  app.add_option("--deadline", deadline,
                 "Critical time: useful until DURATION after ts; earliest deadline first, late ones dead-lettered");
  app.add_option("--max-receives", max_receives, "Queue policy: dead-letter after N receives without an ack");
  app.add_option("--dead-letter", dead_letter, "Queue policy: channel for dead-lettered messages (default: dropped)");
  app.add_flag("--print", print,
               "Print each confirmation as JSON on stdout: {\"id\",\"channel\",\"seq\"} (\"dropped_by\": a rule dropped it)");
  auto* ev = app.add_flag("--events", events, "gsmq://: publish as real-time events (?kind=events)");
  auto* st = app.add_flag("--store", store, "gsmq://: publish to the durable events-store (?kind=store)");
  auto* rq = app.add_flag("--request", request,
                          "gsmq://: send each message as a request and print the reply on stdout (?kind=request)");
  ev->excludes(st)->excludes(rq);
  st->excludes(rq);
  std::string timeout = "5s";
  app.add_option("--timeout", timeout, "With --request: how long to wait for each reply")->capture_default_str();
  add_common_flags(app, flags, kInputFlags | kFlowFlags);
  app.footer(
      "Examples:\n"
      "  echo '{\"channel\":\"sensors/door\",\"body\":\"open\"}' | gsmq-send gsmq://127.0.0.1:7878/sensors\n"
      "  gsmq-send -m hello -m world --priority 7 --ttl 1m gsmq://127.0.0.1:7878/jobs\n"
      "  gsmq-send --store -m '{\"t\":21.5}' gsmq://127.0.0.1:7878/telemetry\n"
      "  gsmq-send --request -m 'status?' gsmq://127.0.0.1:7878/device-42\n"
      "  tail -f app.log | gsmq-send --raw file:log.jsonl\n"
      "  gsmq-send --endpoints                                # every URL scheme and its parameters\n"
      "Exit status: 0 ok, 1 delivery failed, 2 usage, 3 bad input line, 4 unavailable, 7 internal.\n"
      "See gsmq-send(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    Diagnostics diagnostics;
    diagnostics.program = "gsmq-send";
    EndpointOptions options = endpoint_options(flags, diagnostics);
    if (events) options.kind = "events";
    if (store) options.kind = "store";
    if (request) options.kind = "request";
    options.request_timeout = parse_duration_flag("--timeout", timeout);
    const auto ttl_ms = ttl.empty() ? std::optional<int64_t>() : milliseconds_flag("--ttl", ttl);
    const auto delay_ms = delay.empty() ? std::optional<int64_t>() : milliseconds_flag("--delay", delay);
    const auto deadline_ms = deadline.empty() ? std::optional<int64_t>() : milliseconds_flag("--deadline", deadline);
    EndpointOptions sink_options = options;
    sink_options.raw = false;  // --raw is about the lines read here: the endpoint gets envelopes
    auto sink = open_sink(url, sink_options);
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
      if (!channel.empty()) m.channel = channel;
      if (priority && m.priority == 0) m.priority = *priority;
      if (ttl_ms && !m.ttl_ms) m.ttl_ms = ttl_ms;
      if (delay_ms && !m.delay_ms) m.delay_ms = delay_ms;
      if (deadline_ms && !m.deadline_ms) m.deadline_ms = deadline_ms;
      if (max_receives && !m.max_receives) m.max_receives = max_receives;
      if (!dead_letter.empty() && !m.dead_letter) m.dead_letter = dead_letter;
      return true;
    };
    std::mutex out;
    if (print || request) {
      pump.on_result = [&](const SendResult& r) {
        if (r.status != SendResult::Status::ok) return;
        std::string line;
        if (r.reply) {
          line = format_envelope(*r.reply);
        } else {
          nlohmann::ordered_json j;
          j["id"] = r.id;
          j["channel"] = r.channel;
          if (r.seq) j["seq"] = r.seq;
          if (!r.dropped_by.empty()) j["dropped_by"] = r.dropped_by;
          line = j.dump();
        }
        std::lock_guard lock(out);
        std::fprintf(stdout, "%s\n", line.c_str());
        std::fflush(stdout);
      };
    }
    const PumpStats stats = run_pump(*source, *sink, pump);
    return pump_exit_status(stats, pump, diagnostics);
  });
}
