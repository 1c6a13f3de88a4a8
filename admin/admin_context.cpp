#include "admin/admin_context.h"

#include <chrono>

#include "common/crypto.h"
#include "common/redis/script.h"

namespace imagegen::admin {

redis::Reply AdminContext::command(std::vector<std::string> args) {
  auto r = run(redis->command(std::move(args), timeout));
  if (!r) throw std::runtime_error("redis: " + r.error().message);
  if (r->is_error()) throw std::runtime_error("redis: " + r->as_string());
  return std::move(r.value());
}

redis::Reply AdminContext::script(std::string_view source, std::vector<std::string> args) {
  redis::Script s{std::string(source)};
  auto r = run(s.run(*redis, {}, std::move(args), timeout));
  if (!r) throw std::runtime_error("redis: " + r.error().message);
  if (r->is_error()) throw std::runtime_error(r->as_string());
  return std::move(r.value());
}

std::string new_user_id() {
  std::string h = crypto::random_hex(16);
  h[12] = '4';  // version 4
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace imagegen::admin
