// libFuzzer target for the ACL file (docs/security.md): any bytes as a file. A refused file
// must name itself and a line; an accepted one is asked a few questions, and deny must win:
// an identity that a "deny ... all *" line names is never allowed anything.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/acl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto acl = gsmq::policy::parse_acl(text, "fuzz.acl", error);
  if (!acl) {
    if (error.rfind("fuzz.acl:", 0) != 0 || error.size() <= 9 || error[9] < '1' || error[9] > '9') {
      std::fprintf(stderr, "acl_fuzz: refused without FILE:LINE: %s\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  using gsmq::policy::Operation;
  const char* identities[] = {"alice", "bob", "anonymous", "dev-7", ""};
  const char* channels[] = {"jobs/1", "devices/alice/up", "a/b/c", "", "$out/^up"};
  for (const char* who : identities)
    for (const char* channel : channels)
      for (auto op : {Operation::send, Operation::receive, Operation::admin}) acl->allows(who, op, channel);
  // the same file with a deny for everything of one identity appended: deny wins
  std::string denied(text);
  denied += "\ndeny zz-fuzz all *\n";
  auto with_deny = gsmq::policy::parse_acl(denied, "fuzz.acl", error);
  if (with_deny && with_deny->allows("zz-fuzz", Operation::send, "jobs/1")) {
    std::fprintf(stderr, "acl_fuzz: a denied identity was allowed\n");
    std::abort();
  }
  return 0;
}
