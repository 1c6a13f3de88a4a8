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

void append_command(std::string& out, const std::vector<std::string>& args) {
  std::size_t size = 16;
  for (const auto& a : args) size += a.size() + 16;
  out.reserve(out.size() + size);
  append_header(out, '*', args.size());
  for (const auto& a : args) {
    append_header(out, '$', a.size());
    out.append(a);
    out.append("\r\n", 2);
  }
}

}  // namespace imagegen::redis
