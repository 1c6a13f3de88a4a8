#pragma once
// Reading and checking an OpenAI images/generations request the way OpenAI does (field types,
// required fields, allowed values, in OpenAI's order), and OpenAI's error envelope
// `{"error":{"message","type","param","code"}}`. The answer itself is openai_handler.cpp's job.
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/sim_request.h"

namespace imagegen::sim::openai {

// One OpenAI error: `param` and `code` are JSON null when empty.
struct OpenAIError {
  int status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::string param;
  std::string code;
};

// What the simulator reads from an images/generations body; other fields are ignored.
struct OpenAIBody {
  std::optional<std::string> model;
  std::optional<std::string> prompt;
  std::int64_t n = 1;
  std::string size;           // empty = auto
  std::string quality;        // empty = auto
  std::string output_format;  // empty = png
  std::string background;     // empty = auto
  bool response_format = false;
};

// The error as OpenAI sends it.
SimResponse render(const OpenAIError& error);

// A 400 invalid_request_error with `param` and `code`.
OpenAIError invalid(std::string message, std::string param, std::string code);

// "Invalid value: '<value>'. Supported values are: <supported>."
OpenAIError invalid_value(std::string_view value, std::string_view param,
                          std::string_view supported);

// Reads the body; nullopt when it was read, otherwise the error to answer with.
std::optional<OpenAIError> read_body(const std::string& body, simdjson::ondemand::parser& parser,
                                     OpenAIBody& out);

// The checks OpenAI makes before generating, in the order a client most likely trips them.
std::optional<OpenAIError> validate(const OpenAIBody& body);

}  // namespace imagegen::sim::openai
