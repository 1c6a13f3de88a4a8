#include "common/redis/resp.h"

#include <charconv>

namespace imagegen::redis {
namespace {

// '<marker><n>\r\n', written into a local buffer and appended at once: one append instead of
// three (the header is written for every argument of every command).
void append_header(std::string& out, char marker, std::size_t n) {
  char header[24];
  header[0] = marker;
  char* end = std::to_chars(header + 1, header + sizeof header - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out.append(header, static_cast<std::size_t>(end - header));
}

}  // namespace

void append_array_header(std::string& out, std::size_t argc) { append_header(out, '*', argc); }

void append_argument(std::string& out, std::string_view arg) {
  append_header(out, '$', arg.size());
  out.append(arg);
  out.append("\r\n", 2);
}

void append_command(std::string& out, const std::vector<std::string>& args) {
  std::size_t size = kMaxArgumentOverhead;
  for (const auto& a : args) size += a.size() + kMaxArgumentOverhead;
  out.reserve(out.size() + size);
  append_array_header(out, args.size());
  for (const auto& a : args) append_argument(out, a);
}

}  // namespace imagegen::redis
