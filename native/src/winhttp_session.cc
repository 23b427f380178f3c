#include "modules.h"
namespace cng { void InitWinHttp(Napi::Env, Napi::Object) {} }
