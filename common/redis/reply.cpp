#include "common/redis/reply.h"

#include <hiredis/hiredis.h>

#include <charconv>

namespace imagegen::redis {

Reply Reply::integer(std::int64_t value) {
  Reply r;
  r.type_ = Type::kInteger;
  r.integer_ = value;
  return r;
}

Reply Reply::status(std::string text) {
  Reply r;
  r.type_ = Type::kStatus;
  r.text_ = std::move(text);
  return r;
}

// The other two replies that carry bytes: a status reply retyped.
Reply Reply::error(std::string text) {
  Reply r = status(std::move(text));
  r.type_ = Type::kError;
  return r;
}

Reply Reply::string(std::string bytes) {
  Reply r = status(std::move(bytes));
  r.type_ = Type::kString;
  return r;
}

Reply Reply::array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::kArray;
  r.elements_ = std::move(elements);
  return r;
}

Reply Reply::from_hiredis(const redisReply& reply) {
  // `str` may hold NUL bytes: always copy by `len`.
  auto text = [&reply] { return std::string(reply.str, reply.len); };
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return integer(reply.integer);
    case REDIS_REPLY_STATUS:
      return status(text());
    case REDIS_REPLY_ERROR:
      return error(text());
    case REDIS_REPLY_STRING:
      return string(text());
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(reply.element[i] ? from_hiredis(*reply.element[i]) : Reply());
      }
      return array(std::move(elements));
    }
    default:  // REDIS_REPLY_NIL; RESP2 has no other types
      return Reply();
  }
}

std::vector<std::pair<std::string_view, std::string_view>> Reply::pairs() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(elements_.size() / 2);
  for (std::size_t i = 0; i + 1 < elements_.size(); i += 2)
    out.emplace_back(elements_[i].as_string(), elements_[i + 1].as_string());
  return out;
}

std::optional<std::int64_t> Reply::as_int() const {
  if (type_ == Type::kInteger) return integer_;
  if (type_ != Type::kString || text_.empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text_.data() + text_.size();
  auto [ptr, ec] = std::from_chars(text_.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::string_view Reply::error_code() const {
  if (type_ != Type::kError) return {};
  std::string_view text = text_;
  return text.substr(0, text.find(' '));
}

Result<std::unordered_map<std::string, std::string>> Reply::to_map() const {
  std::unordered_map<std::string, std::string> map;
  if (type_ == Type::kNil) return map;
  if (type_ != Type::kArray) {
    return make_error(Errc::kProtocol, "expected a field/value array, got " + debug_string());
  }
  if (elements_.size() % 2 != 0) {
    return make_error(Errc::kProtocol, "field/value array has an odd number of elements");
  }
  map.reserve(elements_.size() / 2);
  for (std::size_t i = 0; i < elements_.size(); i += 2) {
    const Reply& field = elements_[i];
    const Reply& value = elements_[i + 1];
    if (!field.is_string() || !(value.is_string() || value.is_integer())) {
      return make_error(Errc::kProtocol, "field/value array holds a non-string element");
    }
    map.insert_or_assign(field.text_,
                         value.is_integer() ? std::to_string(value.integer_) : value.text_);
  }
  return map;
}

std::string Reply::debug_string() const {
  switch (type_) {
    case Type::kNil:
      return "nil";
    case Type::kInteger:
      return std::to_string(integer_);
    case Type::kStatus:
      return text_;
    case Type::kError:
      return "(error) " + text_;
    case Type::kString: {
      // Values can be megabytes of image data: logs get a prefix and the size.
      constexpr std::size_t kShown = 120;
      if (text_.size() <= kShown) return "\"" + text_ + "\"";
      return "\"" + text_.substr(0, kShown) + "...\" (" + std::to_string(text_.size()) + " bytes)";
    }
    case Type::kArray: {
      std::string out = "[";
      for (std::size_t i = 0; i < elements_.size(); ++i) {
        if (i != 0) out += ", ";
        out += elements_[i].debug_string();
      }
      return out + "]";
    }
  }
  return "?";
}

std::vector<std::string> Reply::strings() const {
  std::vector<std::string> out;
  out.reserve(elements_.size());
  for (const auto& e : elements_) {
    out.push_back(e.is_integer() ? std::to_string(e.integer_) : e.text_);
  }
  return out;
}

}  // namespace imagegen::redis
