#include "dashboard/prometheus.h"

#include <charconv>
#include <cstdio>
#include <functional>
#include <sstream>

namespace gsmq::dashboard {
namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A bucket bound as it is written in a config: 5e-05, not 5.0000000000000002e-05.
std::string shortest(double v) {
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

// One metric family: its HELP and TYPE lines, then a sample per call of `sample`.
class Family {
 public:
  Family(std::ostringstream& out, const std::string& name, const char* type, const char* help)
      : out_(out), name_(name) {
    out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }
  Family& sample(const std::string& labels, double value, const std::string& suffix = "") {
    out_ << name_ << suffix;
    if (!labels.empty()) out_ << '{' << labels << '}';
    out_ << ' ' << number(value) << '\n';
    return *this;
  }

 private:
  std::ostringstream& out_;
  std::string name_;
};

std::string label(const std::string& name, const std::string& value) {
  return name + "=\"" + escape_label_value(value) + "\"";
}

}  // namespace

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prometheus_text(const Snapshot& s, const RequestMetrics& requests) {
  std::ostringstream out;
  const auto& ping = s.ping;
  Family(out, "gsmq_info", "gauge", "gsmqd's version, name and role (always 1)")
      .sample(label("version", ping.version()) + "," + label("name", ping.name()) + "," + label("role", ping.role()), 1);
  Family(out, "gsmq_uptime_seconds", "gauge", "Time since gsmqd started").sample("", ping.uptime_us() / 1e6);
  Family(out, "gsmq_connections", "gauge", "Client connections open on the gRPC port").sample("", ping.connections());
  Family(out, "gsmq_storage_used_bytes", "gauge", "Bytes of the channels' log files").sample("", s.storage.used_bytes);
  Family(out, "gsmq_storage_free_bytes", "gauge", "Bytes available on the data directory's file system")
      .sample("", s.storage.free_bytes);
  Family(out, "gsmq_storage_size_bytes", "gauge", "Size of the data directory's file system")
      .sample("", s.storage.total_bytes);
  {
    Family fsync(out, "gsmq_storage_fsync_seconds", "histogram",
                 "How long the store's fsync and fdatasync calls took");
    const auto& st = s.store;
    uint64_t cumulative = 0;
    for (int b = 0; b < st.sync_buckets_size(); ++b) {
      cumulative += st.sync_buckets(b);
      const std::string le = b < st.sync_bounds_s_size() ? shortest(st.sync_bounds_s(b)) : "+Inf";
      fsync.sample(label("le", le), static_cast<double>(cumulative), "_bucket");
    }
    fsync.sample("", st.sync_seconds(), "_sum");
    fsync.sample("", static_cast<double>(st.syncs()), "_count");
  }

  // Per channel: one family at a time, a sample per channel.
  using Field = std::function<double(const v1::ChannelInfo&)>;
  const auto per_channel = [&](const char* name, const char* type, const char* help, const Field& field) {
    Family family(out, name, type, help);
    for (const auto& ch : s.channels.channels())
      family.sample(label("channel", ch.name()) + "," + label("kind", ch.kind()), field(ch));
  };
  per_channel("gsmq_channel_messages_ready", "gauge", "Messages waiting to be handed out (not delayed)",
              [](const auto& c) { return static_cast<double>(c.depth() - std::min(c.depth(), c.delayed())); });
  per_channel("gsmq_channel_messages_delayed", "gauge", "Messages waiting for their delay",
              [](const auto& c) { return static_cast<double>(c.delayed()); });
  per_channel("gsmq_channel_messages_unacked", "gauge", "Messages handed out and not yet settled",
              [](const auto& c) { return static_cast<double>(c.in_flight()); });
  per_channel("gsmq_channel_messages_published_total", "counter", "Messages accepted on the channel",
              [](const auto& c) { return static_cast<double>(c.sent()); });
  per_channel("gsmq_channel_messages_delivered_total", "counter", "Messages handed out (redeliveries count again)",
              [](const auto& c) { return static_cast<double>(c.delivered()); });
  per_channel("gsmq_channel_messages_acked_total", "counter", "Messages acknowledged",
              [](const auto& c) { return static_cast<double>(c.acked()); });
  per_channel("gsmq_channel_messages_dead_lettered_total", "counter", "Messages moved to a dead-letter channel",
              [](const auto& c) { return static_cast<double>(c.dead_lettered()); });
  per_channel("gsmq_channel_messages_expired_total", "counter", "Messages whose TTL ran out",
              [](const auto& c) { return static_cast<double>(c.expired()); });
  per_channel("gsmq_channel_messages_dropped_total", "counter", "Messages removed to make room (drop-oldest)",
              [](const auto& c) { return static_cast<double>(c.dropped()); });
  per_channel("gsmq_channel_messages_on_time_total", "counter", "Messages with a deadline handed out before it",
              [](const auto& c) { return static_cast<double>(c.on_time()); });
  per_channel("gsmq_channel_messages_late_total", "counter", "Messages past their deadline",
              [](const auto& c) { return static_cast<double>(c.late()); });
  per_channel("gsmq_channel_consumers", "gauge", "Receivers or subscribers connected",
              [](const auto& c) { return static_cast<double>(c.consumers()); });
  per_channel("gsmq_channel_bytes", "gauge", "Bytes of the channel's log files",
              [](const auto& c) { return static_cast<double>(c.bytes()); });
  per_channel("gsmq_channel_last_seq", "gauge", "The channel's last sequence number",
              [](const auto& c) { return static_cast<double>(c.last_seq()); });

  {
    Family oldest(out, "gsmq_channel_oldest_message_age_seconds", "gauge",
                  "How long the oldest ready message of a queue has been waiting (0: none ready)");
    for (const auto& ch : s.channels.channels())
      if (ch.kind() == "queue") oldest.sample(label("channel", ch.name()) + "," + label("kind", ch.kind()), ch.oldest_age_s());
  }

  // Federation links.
  using LinkField = std::function<double(const v1::LinkInfo&)>;
  const auto per_link = [&](const char* name, const char* type, const char* help, const LinkField& field) {
    Family family(out, name, type, help);
    for (const auto& l : s.links.links())
      family.sample(label("link", l.name()) + "," + label("direction", l.direction()), field(l));
  };
  per_link("gsmq_link_up", "gauge", "1 while the link is connected",
           [](const auto& l) { return l.state() == "up" ? 1.0 : 0.0; });
  per_link("gsmq_link_backlog_messages", "gauge", "Messages waiting in the link's outbox",
           [](const auto& l) { return static_cast<double>(l.backlog()); });
  per_link("gsmq_link_forwarded_total", "counter", "Messages the far side confirmed",
           [](const auto& l) { return static_cast<double>(l.forwarded()); });
  per_link("gsmq_link_received_total", "counter", "Messages taken from the far side and stored",
           [](const auto& l) { return static_cast<double>(l.received()); });
  per_link("gsmq_link_dropped_total", "counter", "Messages dropped from the outbox (drop-oldest)",
           [](const auto& l) { return static_cast<double>(l.dropped()); });
  per_link("gsmq_link_rtt_seconds", "gauge", "Round trip of the link's last ping",
           [](const auto& l) { return l.rtt_us() / 1e6; });
  Family(out, "gsmq_link_deduplicated_total", "counter", "Arrivals over links that were already kept")
      .sample("", s.links.deduplicated());

  // Rules.
  {
    Family hits(out, "gsmq_rule_hits_total", "counter", "Messages a rule's condition held for");
    for (const auto& r : s.rules.rules())
      hits.sample(label("set", r.set()) + "," + label("line", std::to_string(r.line())), r.hits());
  }

  // gRPC calls.
  Family(out, "gsmq_grpc_server_calls_in_progress", "gauge", "gRPC calls begun and not finished (open streams too)")
      .sample("", static_cast<double>(requests.in_progress()));
  const auto methods = requests.methods();
  {
    Family handled(out, "gsmq_grpc_server_handled_total", "counter", "gRPC calls finished, by method and status code");
    for (const auto& [method, m] : methods)
      for (const auto& [code, n] : m.by_code)
        handled.sample(label("grpc_method", method) + "," + label("grpc_code", code), n);
  }
  {
    Family seconds(out, "gsmq_grpc_server_handling_seconds", "histogram",
                   "How long gRPC calls took, from start to status (a stream: its whole life)");
    for (const auto& [method, m] : methods) {
      uint64_t cumulative = 0;
      for (size_t b = 0; b < m.buckets.size(); ++b) {
        cumulative += m.buckets[b];
        const std::string le = b < RequestMetrics::kBuckets.size() ? number(RequestMetrics::kBuckets[b]) : "+Inf";
        seconds.sample(label("grpc_method", method) + "," + label("le", le), cumulative, "_bucket");
      }
      seconds.sample(label("grpc_method", method), m.seconds, "_sum");
      seconds.sample(label("grpc_method", method), m.count, "_count");
    }
  }
  return out.str();
}

}  // namespace gsmq::dashboard
