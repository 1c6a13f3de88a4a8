#include "common/redis/reply_tree.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

namespace imagegen::redis {
namespace {

using ReaderPtr = std::unique_ptr<redisReader, decltype(&redisReaderFree)>;

// Feeds `chunks` to a reader built on ReplyTree's functions and returns the one reply they make.
std::optional<Reply> parse_with_tree(const std::vector<std::string>& chunks) {
  ReaderPtr reader(redisReaderCreateWithFunctions(detail::ReplyTree::functions()),
                   &redisReaderFree);
  void* root = nullptr;
  for (const auto& chunk : chunks) {
    EXPECT_EQ(redisReaderFeed(reader.get(), chunk.data(), chunk.size()), REDIS_OK);
    if (redisReaderGetReply(reader.get(), &root) != REDIS_OK) return std::nullopt;
    if (root != nullptr) break;
  }
  if (root == nullptr) return std::nullopt;
  Reply reply = detail::ReplyTree::take(root);
  detail::ReplyTree::functions()->freeObject(root);  // what hiredis does after the callback
  return reply;
}

// The same bytes through hiredis' own objects and the deep copy that replaced them.
Reply parse_with_hiredis(const std::string& bytes) {
  ReaderPtr reader(redisReaderCreate(), &redisReaderFree);
  EXPECT_EQ(redisReaderFeed(reader.get(), bytes.data(), bytes.size()), REDIS_OK);
  void* root = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader.get(), &root), REDIS_OK);
  Reply reply = Reply::from_hiredis(*static_cast<redisReply*>(root));
  freeReplyObject(root);
  return reply;
}

TEST(ReplyTree, BuildsWhatHiredisObjectsWouldHaveCopiedInto) {
  const std::string binary("a\0b\r\n\xff", 6);
  const std::vector<std::string> replies = {
      "+OK\r\n",
      "-NOSCRIPT No matching script\r\n",
      ":-42\r\n",
      "$-1\r\n",
      "*-1\r\n",
      "*0\r\n",
      "$0\r\n\r\n",
      "$6\r\n" + binary + "\r\n",
      // XREADGROUP's shape: streams, entries, field/value arrays, nested three levels deep.
      "*1\r\n*2\r\n$4\r\njobs\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*4\r\n$2\r\nid\r\n$1\r\nx\r\n$1\r\nn\r\n"
      ":3\r\n*2\r\n$3\r\n2-0\r\n*-1\r\n",
      "*5\r\n:1\r\n$-1\r\n+s\r\n-E e\r\n*1\r\n*1\r\n*0\r\n",
  };
  for (const auto& bytes : replies) {
    auto built = parse_with_tree({bytes});
    ASSERT_TRUE(built) << bytes;
    EXPECT_EQ(*built, parse_with_hiredis(bytes)) << bytes << " -> " << built->debug_string();
  }
}

TEST(ReplyTree, AReplySplitAcrossReadsIsBuiltOnce) {
  const std::string bytes = "*3\r\n$5\r\nhello\r\n*2\r\n:1\r\n:2\r\n$3\r\nend\r\n";
  std::vector<std::string> chunks;
  for (char c : bytes) chunks.emplace_back(1, c);  // one byte per read
  auto built = parse_with_tree(chunks);
  ASSERT_TRUE(built);
  EXPECT_EQ(built->debug_string(), parse_with_hiredis(bytes).debug_string());
  EXPECT_EQ(built->elements().at(1).elements().at(1).as_int(), 2);
}

TEST(ReplyTree, TheRootLooksLikeAnErrorReplyToHiredis) {
  // hiredis reads `type` and `str` of an error no command asked for.
  ReaderPtr reader(redisReaderCreateWithFunctions(detail::ReplyTree::functions()),
                   &redisReaderFree);
  const std::string bytes = "-ERR max number of clients reached\r\n";
  ASSERT_EQ(redisReaderFeed(reader.get(), bytes.data(), bytes.size()), REDIS_OK);
  void* root = nullptr;
  ASSERT_EQ(redisReaderGetReply(reader.get(), &root), REDIS_OK);
  ASSERT_NE(root, nullptr);
  const auto* head = static_cast<const redisReply*>(root);
  EXPECT_EQ(head->type, REDIS_REPLY_ERROR);
  EXPECT_STREQ(head->str, "ERR max number of clients reached");
  detail::ReplyTree::functions()->freeObject(root);
}

TEST(ReplyTree, AProtocolErrorMidArrayFreesWhatWasBuilt) {
  // Under ASan a leak of the half-built root would fail this test.
  ReaderPtr reader(redisReaderCreateWithFunctions(detail::ReplyTree::functions()),
                   &redisReaderFree);
  const std::string bytes = "*3\r\n$5\r\nhello\r\n!bad\r\n";
  ASSERT_EQ(redisReaderFeed(reader.get(), bytes.data(), bytes.size()), REDIS_OK);
  void* root = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader.get(), &root), REDIS_ERR);
  EXPECT_EQ(root, nullptr);
}

}  // namespace
}  // namespace imagegen::redis
