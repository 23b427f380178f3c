// Stops a request whose server certificate was rejected, from inside WinHTTP's
// SENDING_REQUEST callback, so that no request byte reaches that server.
#pragma once
#include <windows.h>
#include <winhttp.h>

namespace cng {

// Closes the request handle: the documented way to stop a request from that callback, and all
// that runs on Windows. Wine's WinHTTP writes the request anyway once the callback returns, so
// under Wine the request's TCP connection (found by its local and remote address) is first shut
// down, and the write fails. Scanning handles for the socket is not done on Windows: probing
// another component's synchronous pipe handle there can block until its pending read completes.
void AbortRequestBeforeSend(HINTERNET request);

}  // namespace cng
