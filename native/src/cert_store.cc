#include "modules.h"
namespace cng { void InitCertStore(Napi::Env, Napi::Object) {} }
