#include "common/base64.h"

#include <openssl/evp.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace imagegen {
namespace {

// Decoding tables, one per position in a quad (the layout of modp_b64's decoder): kQuad[i][c] is
// character c's six bits already shifted to where they land in the quad's three bytes, read as
// a little-endian 24-bit number; a byte outside the alphabet maps to kBad in every table. So a
// quad decodes with four lookups and three ORs, and one compare rejects it: a single pass over
// the input instead of a validation pass and then OpenSSL's EVP_DecodeBlock, which was a
// quarter of the worker's instructions per image (docs/bench.md).
constexpr std::uint32_t kBad = 0x01000000;

constexpr int value_of(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

using QuadTables = std::array<std::array<std::uint32_t, 256>, 4>;

constexpr QuadTables make_quad_tables() {
  QuadTables t{};
  for (int c = 0; c < 256; ++c) {
    const int v = value_of(c);
    if (v < 0) {
      for (auto& table : t) table[c] = kBad;
      continue;
    }
    const auto u = static_cast<std::uint32_t>(v);
    t[0][c] = u << 2;                                // byte 0, high six bits
    t[1][c] = (u >> 4) | ((u & 0x0f) << 12);         // byte 0 low two, byte 1 high four
    t[2][c] = ((u >> 2) << 8) | ((u & 0x03) << 22);  // byte 1 low four, byte 2 high two
    t[3][c] = u << 16;                               // byte 2, low six bits
  }
  return t;
}
constexpr QuadTables kQuad = make_quad_tables();

std::uint32_t decode_quad(const unsigned char* q) {
  return kQuad[0][q[0]] | kQuad[1][q[1]] | kQuad[2][q[2]] | kQuad[3][q[3]];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IMAGEGEN_BASE64_SSE 1
// Sixteen characters to twelve bytes at a time with SSSE3/SSE4.1 (Wojciech Mula and Daniel
// Lemire, "Faster Base64 Encoding and Decoding Using AVX2 Instructions", 2018, its SSE form):
// every character is classified by its two nibbles through two 16-entry tables (valid when
// the two class masks share no bit), turned into its six-bit value by adding an offset picked
// by its high nibble ('/' gets its own), and the values are packed with two multiply-adds and a
// byte shuffle. Returns how many characters it decoded (a multiple of 16, leaving at least 16
// for the scalar loop so the 16-byte stores never pass the output's end); sets `bad` when a
// character outside the alphabet was seen.
__attribute__((target("ssse3,sse4.1"))) std::size_t decode_blocks_sse(const unsigned char* src,
                                                                      std::size_t chars,
                                                                      unsigned char* dst,
                                                                      bool& bad) {
  const __m128i lut_lo = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                       0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
  const __m128i lut_hi = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10,
                                       0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m128i lut_roll = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i mask_2f = _mm_set1_epi8(0x2f);
  const __m128i pack_pairs = _mm_set1_epi32(0x01400140);
  const __m128i pack_quads = _mm_set1_epi32(0x00011000);
  const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  __m128i invalid = _mm_setzero_si128();
  std::size_t done = 0;
  for (; done + 32 <= chars; done += 16, dst += 12) {
    const __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + done));
    const __m128i hi_nibbles = _mm_and_si128(_mm_srli_epi32(in, 4), mask_2f);
    const __m128i lo_nibbles = _mm_and_si128(in, mask_2f);
    const __m128i lo = _mm_shuffle_epi8(lut_lo, lo_nibbles);
    const __m128i hi = _mm_shuffle_epi8(lut_hi, hi_nibbles);
    invalid = _mm_or_si128(invalid, _mm_and_si128(lo, hi));
    const __m128i is_slash = _mm_cmpeq_epi8(in, mask_2f);
    const __m128i roll = _mm_shuffle_epi8(lut_roll, _mm_add_epi8(is_slash, hi_nibbles));
    const __m128i values = _mm_add_epi8(in, roll);
    const __m128i pairs = _mm_maddubs_epi16(values, pack_pairs);
    const __m128i quads = _mm_madd_epi16(pairs, pack_quads);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_shuffle_epi8(quads, order));
  }
  bad = !_mm_testz_si128(invalid, invalid);
  return done;
}

bool cpu_has_sse41() {
  static const bool has = __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
  return has;
}
#endif

}  // namespace

std::optional<std::string> base64_decode(std::string_view in) {
  std::size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  if (pad > 0 && in.size() % 4 != 0) return std::nullopt;  // padding present but misplaced
  const std::size_t chars = in.size() - pad;               // '=' anywhere else fails below
  const std::size_t tail = chars % 4;
  if (tail == 1) return std::nullopt;  // one character cannot encode a whole byte

  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t quads = chars / 4;
  const std::size_t size = quads * 3 + (tail == 0 ? 0 : tail - 1);
  // One spare byte: each quad stores four bytes (one store instead of three) and the next quad
  // overwrites the fourth.
  std::string out(size + 1, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  std::uint32_t bad = 0;
  std::size_t i = 0;
#ifdef IMAGEGEN_BASE64_SSE
  if (cpu_has_sse41()) {
    bool sse_bad = false;
    const std::size_t done = decode_blocks_sse(src, quads * 4, dst, sse_bad);
    if (sse_bad) return std::nullopt;
    i = done / 4;
    src += done;
    dst += done / 4 * 3;
  }
#endif
  for (; i < quads; ++i, src += 4, dst += 3) {
    const std::uint32_t x = decode_quad(src);
    bad |= x;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(dst, &x, 4);  // bytes 0-2 in order; byte 3 is overwritten next
    } else {
      dst[0] = static_cast<unsigned char>(x);
      dst[1] = static_cast<unsigned char>(x >> 8);
      dst[2] = static_cast<unsigned char>(x >> 16);
    }
  }
  if (tail != 0) {
    // Two or three characters left: decode them as a quad whose missing characters are 'A'
    // (zero bits), keeping only the bytes they complete. Their unused low bits are ignored, as
    // OpenSSL did.
    unsigned char last[4] = {'A', 'A', 'A', 'A'};
    for (std::size_t k = 0; k < tail; ++k) last[k] = src[k];
    const std::uint32_t x = decode_quad(last);
    bad |= x;
    dst[0] = static_cast<unsigned char>(x);
    if (tail == 3) dst[1] = static_cast<unsigned char>(x >> 8);
  }
  if (bad & kBad) return std::nullopt;  // a byte outside the alphabet (whitespace, '=', '-', ...)
  out.resize(size);
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
