// gsmqd: the GS-MQ queue daemon (durable queues, events, events-store, request-reply).
#include <cstdio>
#include <iostream>

#include "daemon/daemon.h"
#include "endpoint/gsmqd_client/admin.h"
#include "federation/federation.h"
#include "policy/channel_policy.h"
#include "policy/acl.h"
#include "policy/dry_run.h"
#include "tool/run.h"
#include "tool/toml_config.h"
#include "tool/exit_status.h"
#include "util/log.h"
#include "util/size.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"The gsmq queue daemon: durable queues with priorities and policies, real-time events,\n"
               "a replayable events-store and request-reply, over gRPC (gsmq.v1.Broker).",
               "gsmqd"};
  app.set_version_flag("-V,--version", version_text("gsmqd"));
  set_toml_config(app, "Read options from a TOML file (keys are the long flag names)");
  daemon::DaemonOptions options;
  std::string data_dir = daemon::default_data_dir();
  std::string fsync = "batch", commit_window = "0", visibility = "30s", segment_size = "64MiB";
  std::string retention_bytes = "0", retention_age = "0", log_level = "info";
  std::string min_free_space = "16MiB";
  app.add_option("-l,--listen", options.listen, "Address to serve gRPC on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("-d,--data-dir", data_dir, "Where messages are kept ($GSMQ_DATA_DIR overrides the default)")
      ->capture_default_str();
  app.add_option("--fsync", fsync, "When to fsync: always (before every ack; concurrent batches share one), batch (the same, with --commit-window), never")
      ->check(CLI::IsMember({"always", "batch", "never"}))
      ->capture_default_str();
  app.add_option("--commit-window", commit_window, "With --fsync batch: wait this long for more writes per fsync")
      ->capture_default_str();
  app.add_option("--visibility", visibility, "Default visibility timeout of received queue messages")
      ->capture_default_str();
  app.add_option("--max-depth", options.broker.queue.max_depth, "Most messages one queue channel holds (0 = no limit)")
      ->capture_default_str();
  app.add_option("--min-free-space", min_free_space,
                 "Refuse sends while the data directory's file system has less free space than this")
      ->capture_default_str();
  app.add_option("--segment-size", segment_size, "Size of one log segment file")->capture_default_str();
  app.add_option("--store-retention-bytes", retention_bytes, "Events-store: keep at most this much per channel (0 = all)")
      ->capture_default_str();
  app.add_option("--store-retention-age", retention_age, "Events-store: drop segments older than this (0 = never)")
      ->capture_default_str();
  app.add_option("--rules", options.rules,
                 "Apply the rules FILE to every accepted message (docs/policies.md); SIGHUP reloads it");
  std::vector<std::string> channel_policies;
  app.add_option("--channel-policy", channel_policies,
                 "'GLOB critical_time=D late=deliver|dead-letter late_channel=C' (repeatable; docs/policies.md)");
  app.add_option("--port-file", options.port_file, "Write the bound port to FILE once serving");
  app.add_option("--http", options.http,
                 "Serve the dashboard, /api, /metrics, /healthz on HOST:PORT (off by default; docs/admin-api.md)");
  app.add_option("--http-port-file", options.http_port_file, "Write the bound --http port to FILE once serving");
  // TLS (docs/security.md): the files are read again when they change on disk.
  std::string client_auth;
  app.add_option("--tls-cert", options.tls.cert_file, "Serve gRPC (and --http) over TLS with this certificate chain (PEM; reloaded on change)");
  app.add_option("--tls-key", options.tls.key_file, "The private key of --tls-cert (PEM; reloaded on change)");
  app.add_option("--tls-ca", options.tls.ca_file, "CA certificates that verify client certificates (PEM; reloaded on change)");
  app.add_option("--tls-client-auth", client_auth,
                 "Client certificates: none, request (verified when sent), require (default: request with --tls-ca)")
      ->check(CLI::IsMember({"none", "request", "require"}));
  // Identities and permissions (docs/security.md); SIGHUP reads the files again.
  app.add_option("--tokens", options.access.tokens_file,
                 "Bearer tokens, one 'IDENTITY scrypt$...' line each (gsmqd token hash); SIGHUP reloads it");
  app.add_option("--acl", options.access.acl_file,
                 "Who may do what on which channels (allow|deny WHO OPERATIONS CHANNEL); SIGHUP reloads it");
  app.add_flag("--allow-anonymous", options.access.allow_anonymous,
               "With --tokens, --acl or client certificates: let callers without identity in, as 'anonymous'");
  // Limits (docs/security.md).
  app.add_option("--max-connections", options.max_connections,
                 "Serve at most N client connections; calls on more get RESOURCE_EXHAUSTED (0 = no limit)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 31))
      ->capture_default_str();
  std::vector<std::string> rate_limits;
  app.add_option("--rate-limit", rate_limits,
                 "'WHO=RATE[/s|/m][:BURST]': messages an identity (or glob, '*' each) may send (repeatable)");
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  // Federation (docs/federation.md).
  std::string name, role, upstream, link_backlog = "1000000", link_overflow = "refuse";
  std::vector<std::string> peers, forward_rules;
  size_t max_hops = 8, dedup_window = 1000000;
  app.add_option("--name", name, "This daemon's name in a federation (unique; joins the federation)");
  app.add_option("--role", role, "Its tier: node, cluster or core")->check(CLI::IsMember({"node", "cluster", "core"}));
  app.add_option("--upstream", upstream, "The parent tier's daemon, [NAME=]gsmq://HOST:PORT (this daemon dials it)");
  app.add_option("--peer", peers, "A peer, NAME=gsmq://HOST:PORT (repeatable; the name that sorts first dials)");
  app.add_option("--forward", forward_rules,
                 "A forwarding rule, 'up|down|peer[:store] FILTER [to NAME] [as TEMPLATE]' (repeatable)");
  app.add_option("--max-hops", max_hops, "Most links one message may cross")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--link-backlog", link_backlog, "Most messages waiting for one link (its outbox)")->capture_default_str();
  app.add_option("--link-overflow", link_overflow, "A full link: refuse new messages for it, or drop its oldest")
      ->check(CLI::IsMember({"refuse", "drop-oldest"}))
      ->capture_default_str();
  app.add_option("--dedup-window", dedup_window, "Ids of messages that came over links, remembered to drop repeats")
      ->capture_default_str();
  std::string admin_url = "gsmq://127.0.0.1:7878";
  auto* channels = app.add_subcommand("channels", "List the channels of a running gsmqd as JSON lines, then exit");
  channels->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  auto* ping = app.add_subcommand("ping", "Check that a gsmqd answers (JSON on stdout; exit 4 if not), then exit");
  ping->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  auto* links = app.add_subcommand("links", "List the federation links of a running gsmqd as JSON lines, then exit");
  links->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  std::string rules_file;
  auto* rules = app.add_subcommand("rules", "Check or dry-run a rules file, or see and reload a running gsmqd's rules");
  rules->require_subcommand(1);
  auto* rules_check = rules->add_subcommand("check", "Validate a rules file (exit 3 with FILE:LINE: reason if bad)");
  rules_check->add_option("FILE", rules_file, "The rules file")->required();
  auto* rules_test = rules->add_subcommand("test", "Print what the rules make of each JSON line on stdin (a dry run)");
  rules_test->add_option("FILE", rules_file, "The rules file")->required();
  auto* rules_show = rules->add_subcommand("show", "List a running gsmqd's rules with their hit counters (JSON lines)");
  rules_show->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  auto* rules_reload = rules->add_subcommand("reload", "Have a running gsmqd read its rules file again (as SIGHUP)");
  rules_reload->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  std::string acl_file, identity;
  auto* acl = app.add_subcommand("acl", "Check an ACL file, or have a running gsmqd read its ACL and tokens again");
  acl->require_subcommand(1);
  auto* acl_check = acl->add_subcommand("check", "Validate an ACL file (exit 3 with FILE:LINE: reason if bad)");
  acl_check->add_option("FILE", acl_file, "The ACL file")->required();
  auto* acl_reload = acl->add_subcommand("reload", "Have a running gsmqd read its --acl and --tokens files again (as SIGHUP)");
  acl_reload->add_option("URL", admin_url, "The daemon, gsmq://HOST:PORT")->capture_default_str();
  auto* token = app.add_subcommand("token", "Make the stored form of a token for --tokens");
  token->require_subcommand(1);
  auto* token_hash = token->add_subcommand("hash", "Read a secret on stdin; print 'IDENTITY scrypt$...' for --tokens");
  token_hash->add_option("IDENTITY", identity, "Who the token is for")->required();
  app.require_subcommand(0, 1);
  app.footer(
      "Examples:\n"
      "  gsmqd                                   # 127.0.0.1:7878, default data directory\n"
      "  gsmqd channels gsmq://127.0.0.1:7878 | jq -c '{channel, kind, depth}'\n"
      "  gsmqd ping                              # is it up?\n"
      "  gsmqd --listen 0.0.0.0:7878 --data-dir /srv/gsmq --fsync always\n"
      "  gsmqd --listen 127.0.0.1:0 --port-file /tmp/gsmqd.port --data-dir /tmp/q\n"
      "  gsmqd --data-dir /srv/gsmq --min-free-space 1GiB   # refuse sends before the disk fills\n"
      "  gsmqd --name site1 --role node --upstream gsmq://cluster:7878 --forward 'up sensors/# as site1/{channel}'\n"
      "  gsmqd links | jq -c '{link, state, backlog}'\n"
      "  gsmqd --http 127.0.0.1:8787                # dashboard at http://127.0.0.1:8787/, metrics at /metrics\n"
      "  gsmqd --listen 0.0.0.0:7878 --tls-cert server.pem --tls-key server.key --tls-ca ca.pem\n"
      "  openssl rand -hex 24 | tee alice.secret | gsmqd token hash alice >> tokens   # then ?token=alice:SECRET\n"
      "  gsmqd --tls-cert s.pem --tls-key s.key --tokens tokens --acl acl.conf   # then: gsmqd acl reload\n"
      "  gsmqd --max-connections 1000 --rate-limit 'sensor-*=10/s:50' --rate-limit '*=1000/s'\n"
      "  gsmqd --rules /etc/gsmq/rules.conf       # then: kill -HUP $(pidof gsmqd) after editing it\n"
      "  gsmqd rules check rules.conf && gsmqd rules test rules.conf < samples.jsonl\n"
      "  gsmqd rules show | jq -c '{rule, hits}'\n"
      "  gsmqd --channel-policy 'car/brake/* critical_time=10ms late_channel=car/late'\n"
      "Exit status: 0 stopped cleanly, 2 usage (a bad --rules, --acl or --tokens file too), 3 bad rules or ACL\n"
      "file or input (rules, acl check), or a data directory of a newer gsmq, 4 cannot listen or data directory\n"
      "in use, 6 refused, 7 internal.\n"
      "See gsmqd(8) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    if (rules_check->parsed() || rules_test->parsed()) {
      std::string error;
      auto file = policy::load_rule_file(rules_file, error);
      if (!file) throw Error(ErrorKind::bad_input, error);
      if (rules_check->parsed()) {
        std::printf("%s: %zu rule sets, %zu rules\n", rules_file.c_str(), file->sets.size(), file->rule_count());
        return static_cast<int>(kExitOk);
      }
      policy::RuleEngine engine(std::move(*file));
      const auto stats = policy::dry_run(engine, std::cin, std::cout, std::cerr);
      return static_cast<int>(stats.bad_lines > 0 ? kExitBadInput : kExitOk);
    }
    if (token_hash->parsed()) {
      std::string secret;
      std::getline(std::cin, secret);
      if (secret.size() < 16) throw Error(ErrorKind::usage, "token hash: the secret on stdin is shorter than 16 characters");
      std::printf("%s\n", daemon::hash_token(identity, secret).c_str());
      return static_cast<int>(kExitOk);
    }
    if (acl_check->parsed()) {
      std::string error;
      auto file = policy::load_acl(acl_file, error);
      if (!file) throw Error(ErrorKind::bad_input, error);
      std::printf("%s: %zu lines\n", acl_file.c_str(), file->size());
      return static_cast<int>(kExitOk);
    }
    if (acl_reload->parsed()) {
      std::printf("%s\n", endpoint::gsmqd_client::reload_access(admin_url).dump().c_str());
      return static_cast<int>(kExitOk);
    }
    if (rules_show->parsed() || rules_reload->parsed()) {
      std::vector<nlohmann::ordered_json> lines;
      if (rules_show->parsed()) lines = endpoint::gsmqd_client::list_rules(admin_url);
      else lines.push_back(endpoint::gsmqd_client::reload_rules(admin_url));
      for (const auto& j : lines) std::printf("%s\n", j.dump().c_str());
      return static_cast<int>(kExitOk);
    }
    if (channels->parsed() || ping->parsed() || links->parsed()) {
      std::vector<nlohmann::ordered_json> lines;
      if (channels->parsed()) lines = endpoint::gsmqd_client::list_channels(admin_url);
      else if (links->parsed()) lines = endpoint::gsmqd_client::list_links(admin_url);
      else lines.push_back(endpoint::gsmqd_client::ping(admin_url));
      for (const auto& j : lines) std::printf("%s\n", j.dump().c_str());
      return static_cast<int>(kExitOk);
    }
    auto duration = [](const std::string& flag, const std::string& text) {
      auto d = parse_duration(text);
      if (!d) throw Error(ErrorKind::usage, flag + ": \"" + text + "\" is not a duration");
      return *d;
    };
    auto size = [](const std::string& flag, const std::string& text) {
      auto s = parse_size(text);
      if (!s) throw Error(ErrorKind::usage, flag + ": \"" + text + "\" is not a size");
      return static_cast<uint64_t>(*s);
    };
    if (!client_auth.empty()) options.tls.client_auth = *daemon::parse_client_auth(client_auth);
    else if (!options.tls.ca_file.empty()) options.tls.client_auth = daemon::ClientAuth::request;
    log::Level level;
    log::parse_level(log_level, level);
    log::set_level(level);
    options.broker.data_dir = data_dir;
    options.broker.fsync = *store::parse_fsync_policy(fsync);
    options.broker.commit_window = duration("--commit-window", commit_window);
    options.broker.queue.default_visibility = duration("--visibility", visibility);
    options.broker.queue.segment_bytes = size("--segment-size", segment_size);
    options.broker.min_free_space = size("--min-free-space", min_free_space);
    options.broker.store.segment_bytes = options.broker.queue.segment_bytes;
    options.broker.store.retention_bytes = size("--store-retention-bytes", retention_bytes);
    options.broker.store.retention_age = duration("--store-retention-age", retention_age);
    for (const auto& text : channel_policies) {
      std::string error;
      auto p = policy::parse_channel_policy(text, error);
      if (!p) throw Error(ErrorKind::usage, "--channel-policy '" + text + "': " + error);
      options.channel_policies.push_back(std::move(*p));
    }
    for (const auto& text : rate_limits) {
      std::string error;
      auto limit = policy::parse_rate_limit(text, error);
      if (!limit) throw Error(ErrorKind::usage, "--rate-limit '" + text + "': " + error);
      options.rate_limits.push_back(std::move(*limit));
    }
    options.broker.outbox = options.broker.queue;
    options.broker.outbox.max_depth = size("--link-backlog", link_backlog);
    options.broker.outbox.drop_oldest = link_overflow == "drop-oldest";
    if (!name.empty()) {
      federation::FederationOptions f;
      f.name = name;
      f.role = role.empty() ? "node" : role;
      f.max_hops = max_hops;
      f.dedup_window = dedup_window;
      std::string error;
      if (!upstream.empty()) {
        f.upstream = federation::parse_neighbour(upstream, false, error);
        if (!f.upstream) throw Error(ErrorKind::usage, "--upstream: " + error);
      }
      for (const auto& p : peers) {
        auto n = federation::parse_neighbour(p, true, error);
        if (!n) throw Error(ErrorKind::usage, "--peer: " + error);
        if (n->name == name) throw Error(ErrorKind::usage, "--peer " + p + ": that is this daemon's own name");
        f.peers.push_back(*n);
      }
      for (const auto& text : forward_rules) {
        auto rule = federation::parse_forward_rule(text, error);
        if (!rule) throw Error(ErrorKind::usage, "--forward '" + text + "': " + error);
        f.rules.push_back(*rule);
      }
      options.federation = std::move(f);
    } else if (!upstream.empty() || !peers.empty() || !forward_rules.empty()) {
      throw Error(ErrorKind::usage, "--upstream, --peer and --forward need --name (this daemon's name in the federation)");
    }
    try {
      return daemon::run_daemon(options);
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const Error*>(&e)) throw;
      throw Error(ErrorKind::unavailable, e.what());
    }
  });
}
