#include "common/redis/resp.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

namespace imagegen::redis {
namespace {

// What hiredis' own formatter makes of the same arguments: the bytes Redis has always seen.
std::string hiredis_format(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  char* cmd = nullptr;
  const int n =
      redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), argv.data(), lengths.data());
  std::string out(cmd, static_cast<std::size_t>(n));
  redisFreeCommand(cmd);
  return out;
}

TEST(Resp, FormatsACommandInRedisWireFormat) {
  std::string out;
  append_command(out, {"SET", "k", "hello"});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n");
}

TEST(Resp, MatchesHiredisForEmptyBinaryAndLongArguments) {
  std::string binary;
  for (int c = 0; c < 256; ++c) binary.push_back(static_cast<char>(c));  // \r, \n and NUL too
  std::vector<std::string> args{"EVALSHA", "", binary, std::string(100000, 'x'), "\r\n"};
  for (int i = 0; i < 60; ++i) args.push_back(std::string(static_cast<std::size_t>(i * 7), 'a'));
  std::string out;
  append_command(out, args);
  EXPECT_EQ(out, hiredis_format(args));
}

TEST(Resp, AppendsAfterWhatIsThere) {
  std::string out = "keep";
  append_command(out, {"PING"});
  EXPECT_EQ(out, "keep*1\r\n$4\r\nPING\r\n");
}

TEST(Resp, PieceByPieceIsTheSameAsTheWholeCommand) {
  const std::vector<std::string> args{"EVALSHA", std::string(40, 'f'), "2", "k1", "",
                                      "a\r\nb",  std::string("\0z", 2)};
  std::string pieces;
  append_array_header(pieces, args.size());
  for (const auto& a : args) append_argument(pieces, a);
  EXPECT_EQ(pieces, hiredis_format(args));
  std::string whole;
  append_command(whole, args);
  EXPECT_EQ(pieces, whole);
}

}  // namespace
}  // namespace imagegen::redis
