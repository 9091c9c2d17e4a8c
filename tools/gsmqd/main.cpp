// gsmqd: the GS-MQ queue daemon (durable queues, events, events-store, request-reply).
#include <cstdio>

#include "cli/tool.h"
#include "endpoint/gsmq/admin.h"
#include "server/daemon.h"
#include "util/log.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"The gsmq queue daemon: durable queues with priorities and policies, real-time events,\n"
               "a replayable events-store and request-reply, over gRPC (gsmq.v1.Broker).",
               "gsmqd"};
  app.set_version_flag("-V,--version", version_text("gsmqd"));
  app.set_config("--config", "", "Read options from a TOML/INI file (keys are the long flag names)");
  server::DaemonOptions options;
  std::string data_dir = server::default_data_dir();
  std::string fsync = "batch", commit_window = "0", visibility = "30s", segment_size = "64MiB";
  std::string retention_bytes = "0", retention_age = "0", log_level = "info";
  app.add_option("-l,--listen", options.listen, "Address to serve gRPC on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("-d,--data-dir", data_dir, "Where messages are kept ($GSMQ_DATA_DIR overrides the default)")
      ->capture_default_str();
  app.add_option("--fsync", fsync, "When to fsync: always (before every ack), batch (group commit), never")
      ->check(CLI::IsMember({"always", "batch", "never"}))
      ->capture_default_str();
  app.add_option("--commit-window", commit_window, "With --fsync batch: wait this long for more writes per fsync")
      ->capture_default_str();
  app.add_option("--visibility", visibility, "Default visibility timeout of received queue messages")
      ->capture_default_str();
  app.add_option("--max-depth", options.broker.queue.max_depth, "Most messages one queue channel holds (0 = no limit)")
      ->capture_default_str();
  app.add_option("--segment-size", segment_size, "Size of one log segment file")->capture_default_str();
  app.add_option("--store-retention-bytes", retention_bytes, "Events-store: keep at most this much per channel (0 = all)")
      ->capture_default_str();
  app.add_option("--store-retention-age", retention_age, "Events-store: drop segments older than this (0 = never)")
      ->capture_default_str();
  app.add_option("--port-file", options.port_file, "Write the bound port to FILE once serving");
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  std::string admin_url = "gsmq://127.0.0.1:7878";
  auto* channels = app.add_subcommand("channels", "List the channels of a running gsmqd as JSON lines, then exit");
  channels->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  auto* ping = app.add_subcommand("ping", "Check that a gsmqd answers (JSON on stdout; exit 4 if not), then exit");
  ping->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  app.require_subcommand(0, 1);
  app.footer(
      "Examples:\n"
      "  gsmqd                                   # 127.0.0.1:7878, default data directory\n"
      "  gsmqd channels gsmq://127.0.0.1:7878 | jq -c '{channel, kind, depth}'\n"
      "  gsmqd ping                              # is it up?\n"
      "  gsmqd --listen 0.0.0.0:7878 --data-dir /srv/gsmq --fsync always\n"
      "  gsmqd --listen 127.0.0.1:0 --port-file /tmp/gsmqd.port --data-dir /tmp/q\n"
      "Exit status: 0 stopped cleanly, 2 usage, 4 cannot listen or data directory in use, 7 internal.\n"
      "See gsmqd(8) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    if (channels->parsed() || ping->parsed()) {
      std::vector<nlohmann::ordered_json> lines;
      if (channels->parsed()) lines = gsmqd::list_channels(admin_url);
      else lines.push_back(gsmqd::ping(admin_url));
      for (const auto& j : lines) std::printf("%s\n", j.dump().c_str());
      return static_cast<int>(kExitOk);
    }
    auto duration = [](const std::string& flag, const std::string& text) {
      auto d = parse_duration(text);
      if (!d) throw ToolError(kExitUsage, flag + ": \"" + text + "\" is not a duration");
      return *d;
    };
    auto size = [](const std::string& flag, const std::string& text) {
      auto s = parse_size(text);
      if (!s) throw ToolError(kExitUsage, flag + ": \"" + text + "\" is not a size");
      return static_cast<uint64_t>(*s);
    };
    log::Level level;
    log::parse_level(log_level, level);
    log::set_level(level);
    options.broker.data_dir = data_dir;
    options.broker.fsync = *store::parse_fsync_policy(fsync);
    options.broker.commit_window = duration("--commit-window", commit_window);
    options.broker.queue.default_visibility = duration("--visibility", visibility);
    options.broker.queue.segment_bytes = size("--segment-size", segment_size);
    options.broker.store.segment_bytes = options.broker.queue.segment_bytes;
    options.broker.store.retention_bytes = size("--store-retention-bytes", retention_bytes);
    options.broker.store.retention_age = duration("--store-retention-age", retention_age);
    try {
      return server::run_daemon(options);
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const ToolError*>(&e)) throw;
      throw ToolError(kExitUnavailable, e.what());
    }
  });
}
