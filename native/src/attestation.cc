#include "modules.h"
namespace cng { void InitAttestation(Napi::Env, Napi::Object) {} }
