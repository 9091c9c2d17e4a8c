#include "policy/acl.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "policy/glob.h"

namespace gsmq::policy {
namespace {

constexpr std::array<std::string_view, kOperationCount> kNames = {"send",      "receive", "publish", "subscribe",
                                                                  "request",   "respond", "admin"};
constexpr unsigned kAll = (1u << kOperationCount) - 1;

std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == '@' || c == ',') return false;
  return true;
}

// An identity substituted into a channel glob must not widen it.
bool substitutable(std::string_view identity) { return identity.find_first_of("*?/") == std::string_view::npos; }

std::string substitute(std::string_view glob, std::string_view identity) {
  std::string out;
  constexpr std::string_view kVar = "{identity}";
  size_t from = 0;
  for (size_t at; (at = glob.find(kVar, from)) != std::string_view::npos; from = at + kVar.size()) {
    out.append(glob.substr(from, at - from));
    out.append(identity);
  }
  out.append(glob.substr(from));
  return out;
}

}  // namespace

std::string_view to_string(Operation operation) { return kNames[static_cast<size_t>(operation)]; }

std::optional<Operation> parse_operation(std::string_view text) {
  for (size_t k = 0; k < kNames.size(); ++k)
    if (kNames[k] == text) return static_cast<Operation>(k);
  return std::nullopt;
}

bool Acl::names(const AclLine& line, std::string_view identity) const {
  if (line.who.front() != '@') return glob_match(line.who, identity);
  const std::string_view group = std::string_view(line.who).substr(1);
  for (const auto& g : groups_)
    if (g.name == group)
      for (const auto& member : g.members)
        if (glob_match(member, identity)) return true;
  return false;
}

bool Acl::allows(std::string_view identity, Operation operation, std::string_view channel) const {
  const unsigned bit = 1u << static_cast<unsigned>(operation);
  bool allowed = false;
  for (const auto& line : lines_) {
    if (!(line.operations & bit) || !names(line, identity)) continue;
    bool match;
    if (line.channel.find("{identity}") == std::string::npos) match = glob_match(line.channel, channel);
    else match = substitutable(identity) && glob_match(substitute(line.channel, identity), channel);
    if (!match) continue;
    if (!line.allow) return false;  // deny wins
    allowed = true;
  }
  return allowed;
}

std::optional<Acl> parse_acl(std::string_view text, const std::string& file, std::string& error) {
  std::vector<AclGroup> groups;
  std::vector<AclLine> lines;
  size_t number = 0;
  auto fail = [&](const std::string& why) {
    error = file + ":" + std::to_string(number) + ": " + why;
    return std::nullopt;
  };
  std::vector<size_t> group_refs;  // lines naming a group, checked once all groups are known
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    if (const auto hash = raw.find('#'); hash != std::string::npos) raw.erase(hash);
    const auto words = words_of(raw);
    if (words.empty()) continue;
    if (words[0] == "group") {
      if (words.size() < 3) return fail("expected: group NAME MEMBER...");
      if (!valid_name(words[1])) return fail("\"" + words[1] + "\" is not a group name");
      for (const auto& g : groups)
        if (g.name == words[1]) return fail("group \"" + words[1] + "\" is defined twice");
      groups.push_back({words[1], {words.begin() + 2, words.end()}});
      for (const auto& m : groups.back().members)
        if (!valid_name(m)) return fail("\"" + m + "\" is not an identity");
      continue;
    }
    if (words[0] != "allow" && words[0] != "deny")
      return fail("\"" + words[0] + "\": expected allow, deny or group");
    if (words.size() != 4) return fail("expected: " + words[0] + " WHO OPERATIONS CHANNEL");
    AclLine line;
    line.allow = words[0] == "allow";
    line.who = words[1];
    line.channel = words[3];
    line.line = number;
    if (line.who.front() == '@') {
      if (!valid_name(line.who.substr(1))) return fail("\"" + line.who + "\" is not a group");
      group_refs.push_back(lines.size());
    } else if (!valid_name(line.who)) {
      return fail("\"" + line.who + "\" is not an identity");
    }
    std::string_view ops = words[2];
    while (!ops.empty()) {
      const auto comma = ops.find(',');
      const auto op = ops.substr(0, comma);
      if (op == "all") line.operations |= kAll;
      else if (const auto o = parse_operation(op)) line.operations |= 1u << static_cast<unsigned>(*o);
      else
        return fail("\"" + std::string(op) +
                    "\" is not an operation (send, receive, publish, subscribe, request, respond, admin, all)");
      if (comma == std::string_view::npos) break;
      ops.remove_prefix(comma + 1);
    }
    if (line.operations == 0) return fail("no operation");
    lines.push_back(std::move(line));
  }
  for (size_t k : group_refs) {
    const std::string name = lines[k].who.substr(1);
    bool known = false;
    for (const auto& g : groups) known = known || g.name == name;
    if (!known) {
      number = lines[k].line;
      return fail("unknown group @" + name);
    }
  }
  return Acl(std::move(groups), std::move(lines));
}

std::optional<Acl> load_acl(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read the ACL file (" + std::string(std::strerror(errno)) + ")";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_acl(text.str(), path, error);
}

}  // namespace gsmq::policy
