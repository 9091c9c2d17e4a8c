#include "policy/acl.h"

#include <gtest/gtest.h>

namespace gsmq::policy {
namespace {

Acl parse(const std::string& text) {
  std::string error;
  auto acl = parse_acl(text, "acl.conf", error);
  EXPECT_TRUE(acl) << error;
  return acl ? *acl : Acl{};
}

std::string error_of(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse_acl(text, "acl.conf", error));
  return error;
}

TEST(AclTest, NothingMatchingIsRefused) {
  const Acl acl = parse("allow alice send jobs/*\n");
  EXPECT_TRUE(acl.allows("alice", Operation::send, "jobs/1"));
  EXPECT_FALSE(acl.allows("alice", Operation::receive, "jobs/1"));
  EXPECT_FALSE(acl.allows("alice", Operation::send, "other"));
  EXPECT_FALSE(acl.allows("bob", Operation::send, "jobs/1"));
  EXPECT_FALSE(Acl{}.allows("alice", Operation::send, "jobs/1"));
}

TEST(AclTest, DenyWinsWhereverItIs) {
  const Acl acl = parse("deny bob receive jobs/secret/*\nallow * send,receive jobs/*\n");
  EXPECT_TRUE(acl.allows("bob", Operation::receive, "jobs/open"));
  EXPECT_FALSE(acl.allows("bob", Operation::receive, "jobs/secret/x"));
  EXPECT_TRUE(acl.allows("bob", Operation::send, "jobs/secret/x"));
  EXPECT_TRUE(acl.allows("alice", Operation::receive, "jobs/secret/x"));
}

TEST(AclTest, GroupsAndIdentityGlobs) {
  const Acl acl = parse("group ops alice sensor-*\nallow @ops admin *\nallow dev-? publish t\n");
  EXPECT_TRUE(acl.allows("alice", Operation::admin, ""));
  EXPECT_TRUE(acl.allows("sensor-7", Operation::admin, "any/channel"));
  EXPECT_FALSE(acl.allows("bob", Operation::admin, ""));
  EXPECT_TRUE(acl.allows("dev-1", Operation::publish, "t"));
  EXPECT_FALSE(acl.allows("dev-12", Operation::publish, "t"));
}

TEST(AclTest, TheIdentityIsSubstitutedAndCannotWidenTheGlob) {
  const Acl acl = parse("allow * publish,subscribe devices/{identity}/*\n");
  EXPECT_TRUE(acl.allows("d1", Operation::publish, "devices/d1/temp"));
  EXPECT_FALSE(acl.allows("d1", Operation::publish, "devices/d2/temp"));
  EXPECT_FALSE(acl.allows("*", Operation::publish, "devices/d2/temp"));
  EXPECT_FALSE(acl.allows("d1/../d2", Operation::publish, "devices/d1/../d2/x"));
}

TEST(AclTest, AllAndEveryOperationByName) {
  const Acl acl = parse("allow root all *  # everything\n");
  for (auto op : {Operation::send, Operation::receive, Operation::publish, Operation::subscribe, Operation::request,
                  Operation::respond, Operation::admin}) {
    EXPECT_TRUE(acl.allows("root", op, "x"));
    EXPECT_EQ(parse_operation(to_string(op)), op);
  }
  EXPECT_EQ(acl.size(), 1u);
}

TEST(AclTest, BadLinesNameFileLineAndReason) {
  EXPECT_EQ(error_of("allow alice send jobs\npermit bob send x\n"),
            "acl.conf:2: \"permit\": expected allow, deny or group");
  EXPECT_EQ(error_of("\n\nallow alice write jobs\n").rfind("acl.conf:3: \"write\" is not an operation", 0), 0u);
  EXPECT_EQ(error_of("allow alice send\n"), "acl.conf:1: expected: allow WHO OPERATIONS CHANNEL");
  EXPECT_EQ(error_of("# ok\nallow @ops send x\n"), "acl.conf:2: unknown group @ops");
  EXPECT_EQ(error_of("group ops a\ngroup ops b\n"), "acl.conf:2: group \"ops\" is defined twice");
  EXPECT_EQ(error_of("group ops\n"), "acl.conf:1: expected: group NAME MEMBER...");
  EXPECT_EQ(error_of("allow alice send,,receive x\n").rfind("acl.conf:1: \"\" is not an operation", 0), 0u);
}

TEST(AclTest, AMissingFileIsAnError) {
  std::string error;
  EXPECT_FALSE(load_acl("/nonexistent/acl.conf", error));
  EXPECT_NE(error.find("/nonexistent/acl.conf: cannot read the ACL file"), std::string::npos);
}

}  // namespace
}  // namespace gsmq::policy
