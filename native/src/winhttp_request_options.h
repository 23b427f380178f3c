// Reads a NativeRequest on the JS thread into an ExchangeRequest. Anything that could smuggle a
// second header or request line (CR, LF, NUL, a non-token method or header name, spaces or
// controls in the URL) and any URL that is not https is a TypeError before WinHTTP sees it.
#pragma once
#include <napi.h>

#include "winhttp_exchange.h"

namespace cng {

ExchangeRequest ReadRequestOptions(const Napi::Value& value);

}  // namespace cng
