#pragma once
// A JSON array written from a list: one element per item, each written by the caller.
#include <string>

#include "common/json_writer.h"

namespace imagegen {

// A JSON array of one element per item of `items`, each written by `write(writer, item)`.
template <typename Items, typename Write>
std::string json_array(const Items& items, Write&& write) {
  JsonWriter w;
  w.begin_array();
  for (const auto& item : items) write(w, item);
  w.end_array();
  return w.take();
}

}  // namespace imagegen
