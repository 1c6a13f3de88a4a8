#include "simulator/sim_request.h"

#include <algorithm>
#include <cctype>

namespace imagegen::sim {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view find_header(const SimRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view target_query(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string_view query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace imagegen::sim
