#pragma once
// Fine-tuning from a saved model (train --init): the new model is built and initialised as
// usual, then takes the saved model's values for every parameter, except those whose name
// starts with one of `fresh` (e.g. "head." when the labels differ: that part keeps its fresh
// initialisation).
#include <string>
#include <vector>

#include "attn/parameter.h"

namespace attn {

// Copies from[i].value into the parameter of `to` with the same name. Throws attn::Error
// naming the parameter when `from` lacks one of `to` that is not fresh, or holds it in another
// shape. Returns how many parameters were copied.
int copy_parameters(const ParameterList& to, const ParameterList& from, const std::vector<std::string>& fresh);

}  // namespace attn
