#include "common/base64.h"

#include <openssl/evp.h>

#include <array>
#include <climits>

namespace imagegen {
namespace {

constexpr std::array<bool, 256> make_alphabet() {
  std::array<bool, 256> ok{};
  for (int c = 'A'; c <= 'Z'; ++c) ok[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) ok[c] = true;
  for (int c = '0'; c <= '9'; ++c) ok[c] = true;
  ok['+'] = true;
  ok['/'] = true;
  return ok;
}
constexpr auto kAlphabet = make_alphabet();

}  // namespace

std::optional<std::string> base64_decode(std::string_view in) {
  std::size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  const std::string_view body = in.substr(0, in.size() - pad);
  // EVP_DecodeBlock tolerates leading/trailing whitespace; we accept only the alphabet.
  for (unsigned char c : body) {
    if (!kAlphabet[c]) return std::nullopt;
  }
  if (pad > 0 && in.size() % 4 != 0) return std::nullopt;  // padding present but misplaced
  if (body.size() % 4 == 1) return std::nullopt;           // cannot encode a whole byte
  if (body.empty()) return std::string();

  // Re-pad unpadded input so EVP_DecodeBlock (which needs whole quads) accepts it.
  std::string padded;
  std::string_view quads = in;
  const std::size_t missing = (4 - body.size() % 4) % 4;
  if (pad == 0 && missing != 0) {
    padded.reserve(body.size() + missing);
    padded.append(body).append(missing, '=');
    quads = padded;
  }
  const std::size_t trailing = pad != 0 ? pad : missing;
  if (quads.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;

  std::string out(quads.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(quads.data()),
                                static_cast<int>(quads.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that padding stands for; drop them.
  out.resize(static_cast<std::size_t>(n) - trailing);
  return out;
}

std::string base64_encode(std::string_view in) {
  std::string out((in.size() + 2) / 3 * 4 + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64url_encode(std::string_view in) {
  std::string out = base64_encode(in);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string standard(in);
  for (char& c : standard) {
    if (c == '+' || c == '/') return std::nullopt;  // the standard alphabet is not base64url
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  return base64_decode(standard);
}

}  // namespace imagegen
