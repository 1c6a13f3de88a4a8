#include "common/redis/resp.h"

#include <charconv>

namespace imagegen::redis {
namespace {

// '<marker><n>\r\n'
void append_header(std::string& out, char marker, std::size_t n) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.push_back(marker);
  out.append(digits, end);
  out.append("\r\n", 2);
}

}  // namespace

void append_array_header(std::string& out, std::size_t argc) { append_header(out, '*', argc); }

void append_argument(std::string& out, std::string_view arg) {
  append_header(out, '$', arg.size());
  out.append(arg);
  out.append("\r\n", 2);
}

std::string_view formatted_command(const std::vector<std::string>& args) {
  thread_local std::string buffer;
  buffer.clear();
  append_command(buffer, args);
  return buffer;
}

void append_command(std::string& out, const std::vector<std::string>& args) {
  std::size_t size = kMaxArgumentOverhead;
  for (const auto& a : args) size += a.size() + kMaxArgumentOverhead;
  out.reserve(out.size() + size);
  append_array_header(out, args.size());
  for (const auto& a : args) append_argument(out, a);
}

}  // namespace imagegen::redis
