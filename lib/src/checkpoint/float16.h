#pragma once
// Conversions between float and the two 16-bit float formats safetensors files use.
// float -> 16 bits rounds to nearest, ties to even (as NumPy and PyTorch do).
#include <cstdint>

namespace attn {

float f16_to_float(uint16_t h);  // IEEE 754 binary16
uint16_t float_to_f16(float f);
float bf16_to_float(uint16_t b);  // bfloat16: the top half of a float
uint16_t float_to_bf16(float f);

}  // namespace attn
