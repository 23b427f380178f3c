// Type assertions for the objects JavaScript hands the WinHTTP session (the TS wrapper validates
// values first; this only keeps C++ from reading the wrong type). Each throws a TypeError that
// names the property, e.g. "request.url must be a string".
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cng::winhttp {

Napi::Object ObjectArgument(const Napi::Value& value, const std::string& what);
std::string StringProperty(const Napi::Object& object, const char* name, const std::string& what);
std::vector<uint8_t> BufferProperty(const Napi::Object& object, const char* name, const std::string& what);
// An integer in [minimum, maximum].
double IntegerProperty(const Napi::Object& object, const char* name, const std::string& what, double minimum, double maximum);

}  // namespace cng::winhttp
