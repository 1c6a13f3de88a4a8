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
