#pragma once
// An owned copy of one RESP2 reply. hiredis frees its redisReply as soon as the callback
// returns, so everything a caller may look at later is copied into a Reply.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"

struct redisReply;  // hiredis; only reply.cpp needs its definition

namespace imagegen::redis {

namespace detail {
struct ReplyTree;  // builds replies in place from hiredis' parser
}  // namespace detail

class Reply {
 public:
  enum class Type { kNil, kInteger, kStatus, kError, kString, kArray };

  Reply() = default;  // nil
  static Reply nil() { return Reply(); }
  static Reply integer(std::int64_t value);
  static Reply status(std::string text);
  static Reply error(std::string text);
  static Reply string(std::string bytes);
  static Reply array(std::vector<Reply> elements);
  // Deep copy of a hiredis reply.
  static Reply from_hiredis(const redisReply& reply);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_integer() const { return type_ == Type::kInteger; }
  bool is_status() const { return type_ == Type::kStatus; }
  bool is_error() const { return type_ == Type::kError; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }

  // The bytes of a string, status or error reply; empty for the other types.
  const std::string& as_string() const { return text_; }
  // An integer reply, or a string reply that holds a base-10 integer (HGET of a counter);
  // nullopt otherwise.
  std::optional<std::int64_t> as_int() const;
  // The elements of an array reply; empty for the other types.
  const std::vector<Reply>& elements() const { return elements_; }
  // First word of an error reply ("NOSCRIPT", "WRONGTYPE", "ERR"); empty for other types.
  std::string_view error_code() const;
  // A flat [field, value, ...] array (HGETALL, CONFIG GET) as a map. A nil reply gives an
  // empty map. Fails with kProtocol for anything else: another type, an odd number of
  // elements, or a non-string element.
  Result<std::unordered_map<std::string, std::string>> to_map() const;
  // A flat [field, value, ...] array (a stream entry) as views into this reply, in order; a
  // last field without a value is left out. Empty for other types. No copies: for decoders
  // that copy only what they keep.
  std::vector<std::pair<std::string_view, std::string_view>> pairs() const;
  // The elements of an array reply as strings (nil -> "", integer -> decimal), the shape the
  // protocol decoders (common/protocol/) take; empty for the other types.
  std::vector<std::string> strings() const;
  // Compact human-readable form for logs and test failures, e.g. ["OK", 3, nil].
  std::string debug_string() const;

  friend bool operator==(const Reply&, const Reply&) = default;

 private:
  friend struct detail::ReplyTree;

  Type type_ = Type::kNil;
  std::int64_t integer_ = 0;
  std::string text_;
  std::vector<Reply> elements_;
};

}  // namespace imagegen::redis
