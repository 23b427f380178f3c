// The addon's Node-API imports are delay-loaded from "node.exe". When the host executable has
// another name (electron.exe, a renamed node), resolve them from the running process instead.
// MSVC builds get the same hook from cmake-js (win_delay_load_hook.cc).
#if defined(__MINGW32__)
#include <windows.h>
#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI LoadHostExecutable(unsigned int event, DelayLoadInfo* info) {
  if (event != dliNotePreLoadLibrary || _stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

PfnDliHook __pfnDliNotifyHook2 = LoadHostExecutable;
#endif
