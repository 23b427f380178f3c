#include "winhttp_arguments.h"

#include <cmath>

namespace cng::winhttp {

Napi::Object ObjectArgument(const Napi::Value& value, const std::string& what) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), what + " must be an object");
  return value.As<Napi::Object>();
}

std::string StringProperty(const Napi::Object& object, const char* name, const std::string& what) {
  Napi::Value value = object.Get(name);
  if (!value.IsString()) throw Napi::TypeError::New(object.Env(), what + "." + name + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

std::vector<uint8_t> BufferProperty(const Napi::Object& object, const char* name, const std::string& what) {
  Napi::Value value = object.Get(name);
  if (!value.IsBuffer()) throw Napi::TypeError::New(object.Env(), what + "." + name + " must be a Buffer");
  Napi::Buffer<uint8_t> buffer = value.As<Napi::Buffer<uint8_t>>();
  return std::vector<uint8_t>(buffer.Data(), buffer.Data() + buffer.Length());
}

double IntegerProperty(const Napi::Object& object, const char* name, const std::string& what, double minimum, double maximum) {
  Napi::Value value = object.Get(name);
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(number) || number < minimum || number > maximum || std::floor(number) != number) {
    throw Napi::TypeError::New(object.Env(), what + "." + name + " must be an integer from " + std::to_string(static_cast<int64_t>(minimum)) +
                                                 " to " + std::to_string(static_cast<int64_t>(maximum)));
  }
  return number;
}

}  // namespace cng::winhttp
