#include "admin/admin_context.h"

#include <algorithm>
#include <chrono>

#include "common/crypto.h"
#include "common/lua_scripts.h"
#include "common/redis/script.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

redis::Reply AdminContext::command(std::vector<std::string> args) {
  auto r = run(redis->command(std::move(args), timeout));
  if (!r) throw std::runtime_error("redis: " + r.error().message);
  if (r->is_error()) throw std::runtime_error("redis: " + r->as_string());
  return std::move(r.value());
}

redis::Reply AdminContext::script(std::string_view source, std::vector<std::string> args) {
  redis::Script s{lua::with_prelude(source)};
  auto r = run(s.run(*redis, std::move(args), timeout));
  if (!r) throw std::runtime_error("redis: " + r.error().message);
  if (r->is_error()) throw std::runtime_error(r->as_string());
  return std::move(r.value());
}

std::vector<std::string> AdminContext::scan(const std::string& pattern) {
  std::vector<std::string> out;
  std::string cursor = "0";
  do {
    auto r = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    cursor = r.elements().at(0).as_string();
    for (const auto& k : r.elements().at(1).elements()) out.push_back(k.as_string());
  } while (cursor != "0");
  // SCAN may return a key twice (when the table is rehashed during the walk).
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string new_user_id() {
  std::string h = crypto::random_hex(16);
  h[12] = '4';  // version 4
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace imagegen::admin
