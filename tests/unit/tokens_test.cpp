#include "daemon/tokens.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace gsmq::daemon {
namespace {

std::string write_file(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("gsmq_tokens_" + std::to_string(::getpid()));
  std::ofstream(path) << text;
  return path.string();
}

TEST(TokensTest, AHashedTokenProvesItsIdentityAndNothingElseDoes) {
  const std::string alice = hash_token("alice", "correct horse battery staple");
  EXPECT_EQ(alice.rfind("alice scrypt$32768$8$1$", 0), 0u);
  EXPECT_EQ(alice.find("correct"), std::string::npos);
  EXPECT_NE(hash_token("alice", "correct horse battery staple"), alice);  // a fresh salt each time
  std::string error;
  const auto path = write_file("# tokens\n" + alice + "\n" + hash_token("bob", "another secret, long") + "\n");
  auto tokens = Tokens::load(path, error);
  std::filesystem::remove(path);
  ASSERT_TRUE(tokens) << error;
  EXPECT_EQ(tokens->size(), 2u);
  EXPECT_EQ(tokens->verify("alice:correct horse battery staple"), "alice");
  EXPECT_EQ(tokens->verify("alice:correct horse battery staple"), "alice");  // remembered
  EXPECT_EQ(tokens->verify("bob:another secret, long"), "bob");
  EXPECT_FALSE(tokens->verify("alice:wrong"));
  EXPECT_FALSE(tokens->verify("bob:correct horse battery staple"));
  EXPECT_FALSE(tokens->verify("carol:correct horse battery staple"));
  EXPECT_FALSE(tokens->verify("correct horse battery staple"));
}

TEST(TokensTest, BadLinesNameFileAndLine) {
  std::string error;
  auto path = write_file("alice scrypt$nope\n");
  EXPECT_FALSE(Tokens::load(path, error));
  EXPECT_EQ(error, path + ":1: not a stored token of gsmqd token hash (scrypt$N$r$p$SALT$HASH)");
  const std::string line = hash_token("alice", "0123456789abcdef");
  path = write_file("\n" + line + "\n" + line + "\n");
  EXPECT_FALSE(Tokens::load(path, error));
  EXPECT_EQ(error, path + ":3: \"alice\" has a token already");
  path = write_file("alice\n");
  EXPECT_FALSE(Tokens::load(path, error));
  EXPECT_EQ(error.rfind(path + ":1: expected: IDENTITY scrypt$", 0), 0u);
  std::filesystem::remove(path);
  EXPECT_THROW(hash_token("a:b", "0123456789abcdef"), std::exception);
}

}  // namespace
}  // namespace gsmq::daemon
