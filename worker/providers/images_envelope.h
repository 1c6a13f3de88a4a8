#pragma once
// The OpenAI-shaped images answer several upstreams share (openai, xai, byteplus):
// `{"data":[{"b64_json":"..."} | {"url":"..."}, ...]}`. One parser; each family says which of
// the shape's optional parts it speaks. A bad entry among good ones is a short delivery (the
// caller asks again for the rest), not an error.
#include <functional>
#include <string_view>

#include "worker/providers/provider.h"

namespace imagegen::worker {

struct ImagesEnvelope {
  // The mime type of base64 entries: the entry's `mime_field` when set and present, else the
  // top-level `format_field` ("png" -> image/png), else `default_mime`.
  std::string_view mime_field = {};
  std::string_view format_field = {};
  std::string_view default_mime = {};
  bool urls = true;  // entries may link to the image (`url`) instead of carrying it
  // Entries may carry their own `error.code` (byteplus); returns whether that code is a content
  // refusal. Null: entries never fail one by one.
  std::function<bool(std::string_view code)> entry_refused = {};
};

// Parses a 2xx answer in the images envelope (non-2xx answers are the family's own business).
ProviderParse parse_images_envelope(const HttpResponse& r, const ImagesEnvelope& shape);

// A whole answer of an images-envelope family: a non-2xx one is the family's `error_response`,
// a 2xx one parse_images_envelope's.
ProviderParse parse_images_answer(const HttpResponse& r, const ImagesEnvelope& shape,
                                  ProviderError (*error_response)(const HttpResponse&));

}  // namespace imagegen::worker
