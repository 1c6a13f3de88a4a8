#pragma once
// Shared set-up for the protocol handler tests: services, a parser, a context with a fixed clock,
// request builders and a DOM view of the answer.
#include <simdjson.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "simulator/protocol_family.h"

namespace imagegen::sim::testing {

struct HandlerFixture {
  SimServices services;
  simdjson::ondemand::parser json;
  HandlerContext context{json, services, std::chrono::steady_clock::time_point{}, 1'700'000'000};
  simdjson::dom::parser dom;

  // The answer's body as a DOM element; fails the test when the body is not valid JSON.
  simdjson::dom::element parse(const SimResponse& response) {
    padded_ = simdjson::padded_string(response.body);
    simdjson::dom::element root;
    const auto error = dom.parse(padded_).get(root);
    if (error) throw std::runtime_error("reply is not JSON: " + response.body);
    return root;
  }

 private:
  simdjson::padded_string padded_;
};

inline SimRequest post(std::string target, std::string body, HeaderList headers) {
  return SimRequest{"POST", std::move(target), std::move(headers), std::move(body)};
}

// A string member of a reply, copied (throws, failing the test, when it is not a string).
inline std::string text(simdjson::dom::element element) {
  return std::string(std::string_view(element));
}

inline SimRequest get(std::string target, HeaderList headers) {
  return SimRequest{"GET", std::move(target), std::move(headers), ""};
}

// "http://host:port/files/abc.png" -> "/files/abc.png".
inline std::string url_path(std::string_view url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  return slash == std::string_view::npos ? std::string() : std::string(url.substr(slash));
}

inline std::string_view header_value(const SimResponse& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace imagegen::sim::testing
