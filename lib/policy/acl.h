// The ACL file of gsmqd --acl (docs/security.md): who may do what on which channels.
//
//   # comments and blank lines are ignored
//   group ops alice bob            # a group: identities, or globs of them (sensor-*)
//   allow @ops admin *             # WHO OPERATIONS CHANNEL-GLOB
//   allow alice send,receive jobs/*
//   allow sensor-* publish devices/{identity}/*   # {identity}: the caller's own name
//   deny  bob receive jobs/secret/*
//   allow anonymous subscribe public/*            # callers without identity (--allow-anonymous)
//
// WHO is an identity, a glob of identities ('*' for everyone), or @GROUP. OPERATIONS is a
// comma list of send, receive, publish, subscribe, request, respond, admin, or all.
// Channel globs are those of the rules files (policy/glob.h). A call is allowed when an
// allow line matches and no deny line does (deny wins); nothing matching is a refusal.
// Admin calls that name no channel (listing channels, links, rules; reloading) match
// lines whose glob matches the empty channel, as '*' does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::policy {

enum class Operation { send, receive, publish, subscribe, request, respond, admin };
inline constexpr size_t kOperationCount = 7;

std::string_view to_string(Operation operation);
std::optional<Operation> parse_operation(std::string_view text);

struct AclLine {
  bool allow = true;
  std::string who;                  // identity glob, or "@group"
  unsigned operations = 0;          // bit (1 << Operation)
  std::string channel;              // glob, perhaps with {identity}
  size_t line = 0;
};

struct AclGroup {
  std::string name;
  std::vector<std::string> members;  // identity globs
};

class Acl {
 public:
  Acl() = default;
  Acl(std::vector<AclGroup> groups, std::vector<AclLine> lines) : groups_(std::move(groups)), lines_(std::move(lines)) {}

  bool allows(std::string_view identity, Operation operation, std::string_view channel) const;
  size_t size() const { return lines_.size(); }

 private:
  bool names(const AclLine& line, std::string_view identity) const;

  std::vector<AclGroup> groups_;
  std::vector<AclLine> lines_;
};

// `file` names the source in errors: "FILE:LINE: reason".
std::optional<Acl> parse_acl(std::string_view text, const std::string& file, std::string& error);
std::optional<Acl> load_acl(const std::string& path, std::string& error);

}  // namespace gsmq::policy
