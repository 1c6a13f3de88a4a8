#pragma once
// The files of api/static/, compiled into the binary by api/routes/embed_files.cmake.
#include <string_view>
#include <vector>

namespace imagegen::api {

struct EmbeddedFile {
  std::string_view name;   // file name, e.g. "index.html"
  std::string_view bytes;  // contents, exactly as in the source tree
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace imagegen::api
