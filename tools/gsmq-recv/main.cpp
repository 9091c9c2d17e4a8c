// gsmq-recv: messages from an endpoint out as JSON lines (or --raw bodies, or --format
// text) on stdout, or into a command per message (--exec).
#include "cli/tool.h"
#include "endpoint/registry/registry.h"
#include "pipeline/exec_sink.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"Receive messages from an endpoint and print them as JSON lines on stdout.\n"
               "A queue message is acknowledged only after its line was written (or --exec succeeded).",
               "gsmq-recv"};
  app.set_version_flag("-V,--version", version_text("gsmq-recv"));
  CommonFlags flags;
  std::string url, exec, visibility;
  bool events = false, store = false, respond = false;
  EndpointOptions extra;
  app.add_option("URL", url, "Where to receive from (gsmq(7) ENDPOINTS): gsmq://HOST:PORT/CHANNEL, file:PATH, - (stdin)")
      ->required();
  app.add_option("--format", extra.format,
                 "Print each message as TEMPLATE: {channel} {body} {id} {ts} {seq} {priority} {meta.KEY} {json}");
  app.add_option("--exec", exec,
                 "Run CMD (sh -c) per message with the message on stdin; exit 0 acks, anything else rejects");
  auto* ev = app.add_flag("--events", events, "gsmq://: subscribe to real-time events (?kind=events)");
  auto* st = app.add_flag("--store", store, "gsmq://: read the durable events-store (?kind=store), see --from");
  auto* rs = app.add_flag("--respond", respond, "gsmq://: answer requests; --exec's stdout is the reply (?kind=respond)");
  ev->excludes(st)->excludes(rs);
  st->excludes(rs);
  app.add_option("--from", extra.from, "With --store: start at new, first, last, seq:N, time:T or since:DURATION");
  app.add_option("--group", extra.group, "gsmq://: share the channel with the other members of GROUP");
  app.add_option("--visibility", visibility, "gsmq:// queues: redeliver if not acknowledged within DURATION");
  app.add_option("--prefetch", extra.prefetch, "gsmq:// queues: take up to N messages per request (default 1024)")
      ->check(CLI::Range(1, 65536));
  add_common_flags(app, flags, kInputFlags | kSourceFlags);
  app.footer(
      "Examples:\n"
      "  gsmq-recv gsmq://127.0.0.1:7878/jobs                 # what is queued now, then exit\n"
      "  gsmq-recv --follow gsmq://127.0.0.1:7878/jobs | jq -r .body\n"
      "  gsmq-recv --count 1 --wait 1s gsmq://127.0.0.1:7878/jobs\n"
      "  gsmq-recv --store --from since:10m gsmq://127.0.0.1:7878/telemetry\n"
      "  gsmq-recv --follow --exec 'curl -fsS -d @- http://gw/fn' gsmq://127.0.0.1:7878/jobs\n"
      "  gsmq-recv --respond --exec 'echo pong' gsmq://127.0.0.1:7878/ping\n"
      "  gsmq-recv --follow file:events.jsonl | head -1\n"
      "  gsmq-recv --endpoints --json | jq -r '.[].prefix'    # every URL scheme the tools speak\n"
      "Exit status: 0 ok, 1 --exec failed for some messages, 2 usage, 3 bad input line, 4 unavailable,\n"
      "5 timeout before --count, 7 internal. See gsmq-recv(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    Diagnostics diagnostics;
    diagnostics.program = "gsmq-recv";
    EndpointOptions options = endpoint_options(flags, diagnostics);
    options.format = extra.format;
    options.from = extra.from;
    options.group = extra.group;
    options.limit = flags.count;
    options.prefetch = extra.prefetch;
    if (!visibility.empty()) options.visibility = parse_duration_flag("--visibility", visibility);
    if (events) options.kind = "events";
    if (store) options.kind = "store";
    if (respond) {
      if (exec.empty()) throw Error(ErrorKind::usage, "--respond needs --exec CMD (its stdout is the reply)");
      options.kind = "respond";
      options.follow = true;
    }
    if (!exec.empty()) options.reject_to_dead_letter = true;
    EndpointOptions source_options = options;
    source_options.raw = false;  // --raw is about the lines written here: the endpoint holds envelopes
    auto source = open_source(url, source_options);
    auto sink = exec.empty() ? open_sink("-", options) : open_exec_sink(exec, respond, options);
    PumpOptions pump = pump_options(flags);
    if (!exec.empty()) pump.max_in_flight = 1;  // one command at a time, in order
    const PumpStats stats = run_pump(*source, *sink, pump);
    return pump_exit_status(stats, pump, diagnostics);
  });
}
