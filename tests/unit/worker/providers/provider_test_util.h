#pragma once
// Helpers to assert on ProviderParse values.
#include <gtest/gtest.h>

#include "worker/providers/provider.h"

namespace imagegen::testing {

// Both return copies: callers pass temporaries.
inline worker::ProviderError expect_error(const worker::ProviderParse& p) {
  const auto* e = std::get_if<worker::ProviderError>(&p);
  EXPECT_NE(e, nullptr) << "expected a ProviderError";
  return e ? *e : worker::ProviderError{};
}

inline worker::ProviderImages expect_images(const worker::ProviderParse& p) {
  const auto* i = std::get_if<worker::ProviderImages>(&p);
  EXPECT_NE(i, nullptr) << "expected images, got: "
                        << (std::holds_alternative<worker::ProviderError>(p)
                                ? std::get<worker::ProviderError>(p).message
                                : std::string("a follow-up"));
  return i ? *i : worker::ProviderImages{};
}

inline worker::HttpResponse response(int status, std::string body,
                                     worker::HeaderList headers = {}) {
  worker::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace imagegen::testing

// The provider tests name these without the namespace.
namespace imagegen::worker {
using testing::expect_error;
using testing::expect_images;
using testing::response;
}  // namespace imagegen::worker
