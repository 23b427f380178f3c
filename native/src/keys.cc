#include "modules.h"
namespace cng { void InitKeys(Napi::Env, Napi::Object) {} }
