#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace imagegen::crypto {

namespace {
constexpr char kHex[] = "0123456789abcdef";

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0xF];
  }
  return out;
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  return to_hex(md.data(), len);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(), &len);
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
void fill_random(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // a broken CSPRNG is a bug we must not hide
  }
}

// RAND_bytes in 4 KiB helpings, handed out in order and never twice. Each RAND_bytes call
// takes the DRBG's lock and asks the kernel for the pid (OpenSSL's fork check); the api wants
// two ids per request, so one call now serves about a hundred requests. The bytes are the
// CSPRNG's own; only a fork could duplicate a helping, and none of our processes forks.
class RandomPool {
 public:
  // `n` random bytes as lower-case hex, encoded straight from the pool (no copy of the bytes).
  std::string hex(std::size_t n) {
    if (n > sizeof buf_) {
      std::string raw(n, '\0');
      fill_random(reinterpret_cast<unsigned char*>(raw.data()), n);
      return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), n);
    }
    if (n > sizeof buf_ - used_) {
      fill_random(buf_, sizeof buf_);
      used_ = 0;
    }
    std::string out = to_hex(buf_ + used_, n);
    OPENSSL_cleanse(buf_ + used_, n);  // a byte handed out does not stay behind
    used_ += n;
    return out;
  }

 private:
  unsigned char buf_[4096] = {};
  std::size_t used_ = sizeof buf_;  // empty until the first call
};
}  // namespace

std::string random_hex(std::size_t bytes) {
  thread_local RandomPool pool;
  return pool.hex(bytes);
}

std::string new_api_key() { return "igk_" + random_hex(32); }

}  // namespace imagegen::crypto
