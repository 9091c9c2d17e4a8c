#include "rpc/admin_json.h"

namespace gsmq {

nlohmann::ordered_json channel_json(const v1::ChannelInfo& ch) {
  nlohmann::ordered_json j;
  j["channel"] = ch.name();
  j["kind"] = ch.kind();
  j["depth"] = ch.depth();
  j["in_flight"] = ch.in_flight();
  j["delayed"] = ch.delayed();
  j["dead_lettered"] = ch.dead_lettered();
  j["expired"] = ch.expired();
  j["sent"] = ch.sent();
  j["delivered"] = ch.delivered();
  j["acked"] = ch.acked();
  j["in_rate"] = ch.in_rate();
  j["out_rate"] = ch.out_rate();
  j["consumers"] = ch.consumers();
  j["bytes"] = ch.bytes();
  j["last_seq"] = ch.last_seq();
  if (ch.kind() == "queue") j["oldest_age_s"] = ch.oldest_age_s();
  if (ch.dropped() > 0) j["dropped"] = ch.dropped();
  if (ch.on_time() > 0 || ch.late() > 0) {
    j["on_time"] = ch.on_time();
    j["late"] = ch.late();
    j["late_delivered"] = ch.late_delivered();
    static constexpr const char* kSlack[] = {"lt_1ms", "lt_10ms", "lt_100ms", "lt_1s", "lt_10s", "ge_10s"};
    nlohmann::ordered_json slack = nlohmann::ordered_json::object();
    for (int k = 0; k < 6; ++k) slack[kSlack[k]] = k < ch.slack_size() ? ch.slack(k) : 0;
    j["slack"] = std::move(slack);
    // Percentiles of the slack in ms (negative: late), to 12.5%: p1 is the tightest 1%.
    j["slack_ms"] = {{"p1", static_cast<double>(ch.slack_p1_us()) / 1000},
                     {"p50", static_cast<double>(ch.slack_p50_us()) / 1000},
                     {"p99", static_cast<double>(ch.slack_p99_us()) / 1000}};
  }
  return j;
}

nlohmann::ordered_json ping_json(const v1::PingResponse& ping) {
  nlohmann::ordered_json j;
  j["version"] = ping.version();
  j["uptime_us"] = ping.uptime_us();
  j["data_dir"] = ping.data_dir();
  j["connections"] = ping.connections();
  if (!ping.name().empty()) j["name"] = ping.name();
  if (!ping.role().empty()) j["role"] = ping.role();
  return j;
}

nlohmann::ordered_json link_json(const v1::LinkInfo& l, uint64_t deduplicated) {
  nlohmann::ordered_json j;
  j["link"] = l.name();
  j["direction"] = l.direction();
  j["state"] = l.state();
  if (!l.url().empty()) j["url"] = l.url();
  j["backlog"] = l.backlog();
  j["forwarded"] = l.forwarded();
  j["received"] = l.received();
  j["dropped"] = l.dropped();
  j["looped"] = l.looped();
  j["deduplicated"] = deduplicated;
  j["rtt_us"] = l.rtt_us();
  j["consumers"] = l.consumers();
  if (!l.last_error().empty()) j["last_error"] = l.last_error();
  return j;
}

nlohmann::ordered_json rule_json(const v1::RuleInfo& r, const v1::ListRulesResponse& rules) {
  nlohmann::ordered_json j;
  j["set"] = r.set();
  j["rule"] = r.rule();
  j["line"] = r.line();
  j["hits"] = r.hits();
  j["dropped"] = r.dropped();
  j["over_limit"] = r.over_limit();
  j["file"] = rules.file();
  j["loaded_us"] = rules.loaded_us();
  if (!rules.last_error().empty()) j["last_error"] = rules.last_error();
  return j;
}

}  // namespace gsmq
