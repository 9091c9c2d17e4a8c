// Who receives a channel's messages: every subscriber outside a group gets each message;
// inside a group the members take turns (round robin), so a group shares the load.
// Used for real-time events and for request-reply responders.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gsmq {

template <typename Member>
class SubscriberGroups {
 public:
  void add(const std::string& channel, const std::string& group, std::shared_ptr<Member> member) {
    std::lock_guard lock(mutex_);
    channels_[channel].groups[group].members.push_back(std::move(member));
  }

  void remove(const std::string& channel, const std::string& group, const Member* member) {
    std::lock_guard lock(mutex_);
    auto c = channels_.find(channel);
    if (c == channels_.end()) return;
    auto g = c->second.groups.find(group);
    if (g == c->second.groups.end()) return;
    auto& members = g->second.members;
    std::erase_if(members, [&](const auto& m) { return m.get() == member; });
    if (members.empty()) c->second.groups.erase(g);
    if (c->second.groups.empty()) channels_.erase(c);
  }

  // The members that should get the next message of `channel`: all ungrouped members
  // (group "") plus one member per named group.
  std::vector<std::shared_ptr<Member>> pick(const std::string& channel) {
    std::vector<std::shared_ptr<Member>> out;
    std::lock_guard lock(mutex_);
    auto c = channels_.find(channel);
    if (c == channels_.end()) return out;
    for (auto& [name, group] : c->second.groups) {
      if (name.empty()) {
        out.insert(out.end(), group.members.begin(), group.members.end());
      } else {
        out.push_back(group.members[group.next++ % group.members.size()]);
      }
    }
    return out;
  }

  // One member for a request: round robin over every member of the channel.
  std::shared_ptr<Member> pick_one(const std::string& channel) {
    std::lock_guard lock(mutex_);
    auto c = channels_.find(channel);
    if (c == channels_.end()) return nullptr;
    std::vector<std::shared_ptr<Member>> all;
    for (auto& [name, group] : c->second.groups) all.insert(all.end(), group.members.begin(), group.members.end());
    if (all.empty()) return nullptr;
    return all[c->second.next_one++ % all.size()];
  }

  size_t count(const std::string& channel) const {
    std::lock_guard lock(mutex_);
    auto c = channels_.find(channel);
    if (c == channels_.end()) return 0;
    size_t n = 0;
    for (const auto& [name, group] : c->second.groups) n += group.members.size();
    return n;
  }

  std::vector<std::string> channels() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, c] : channels_) out.push_back(name);
    return out;
  }

 private:
  struct Group {
    std::vector<std::shared_ptr<Member>> members;
    size_t next = 0;
  };
  struct Channel {
    std::map<std::string, Group> groups;
    size_t next_one = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Channel> channels_;
};

}  // namespace gsmq
