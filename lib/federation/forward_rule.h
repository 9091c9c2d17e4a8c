// A forwarding rule of a federated gsmqd (docs/federation.md, "Rules"): which accepted
// messages leave this daemon over which link, and under which channel name.
//
//   DIRECTION[:KIND] FILTER [to NAME] [as TEMPLATE]
//
//   up sensors/#                         to the upstream (parent), same channel
//   up sensors/# as site1/{channel}      ... under a prefix
//   down cmd/+/# to {1} as cmd/{rest}    to the child named by the first '+'
//   peer:store alerts/# to node-b        events-store messages to one peer
//
// DIRECTION is up (the upstream), down (children) or peer (horizontal peers); KIND is
// queue (default) or store (the events-store); FILTER is an MQTT-style filter over
// channel names ('+' one level, '#' the rest, last only); NAME is a neighbour's name or
// {N}, the N-th '+' match (default: every neighbour in that direction); TEMPLATE may use
// {channel} (the whole channel), {rest} (what '#' matched) and {N}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::federation {

enum class Direction { up, down, peer };
enum class Kind { queue, store };

struct ForwardRule {
  Direction direction = Direction::up;
  Kind kind = Kind::queue;
  std::string filter;     // e.g. "sensors/#"
  std::string to;         // "" = every neighbour in the direction; may hold {N}
  std::string as;         // "" = the channel as it is
  std::string text;       // as written, for messages and listings
};

// Parses one rule; nullopt with `error` set (naming the word that is wrong) otherwise.
std::optional<ForwardRule> parse_forward_rule(std::string_view text, std::string& error);

// What a rule makes of a channel that matches it.
struct Forwarding {
  std::string to;       // the neighbour ("" = every one in the direction)
  std::string channel;  // the channel on the far side
};

// nullopt when `channel` (of `kind`) does not match the rule.
std::optional<Forwarding> apply(const ForwardRule& rule, Kind kind, std::string_view channel);

// MQTT-style filter match; `levels` gets what each '+' matched, `rest` what '#' matched.
bool filter_matches(std::string_view filter, std::string_view channel, std::vector<std::string>* levels = nullptr,
                    std::string* rest = nullptr);

std::string_view to_string(Direction d);

}  // namespace gsmq::federation
