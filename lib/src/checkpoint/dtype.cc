#include <stdexcept>

#include "attn/checkpoint.h"

namespace attn {

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F64:
      return "F64";
    case DType::F32:
      return "F32";
    case DType::F16:
      return "F16";
    case DType::BF16:
      return "BF16";
    case DType::I64:
      return "I64";
    case DType::I32:
      return "I32";
    case DType::I16:
      return "I16";
    case DType::I8:
      return "I8";
    case DType::U64:
      return "U64";
    case DType::U32:
      return "U32";
    case DType::U16:
      return "U16";
    case DType::U8:
      return "U8";
    case DType::BOOL:
      return "BOOL";
  }
  throw std::logic_error("dtype_name: invalid DType");
}

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::F64:
    case DType::I64:
    case DType::U64:
      return 8;
    case DType::F32:
    case DType::I32:
    case DType::U32:
      return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16:
    case DType::U16:
      return 2;
    case DType::I8:
    case DType::U8:
    case DType::BOOL:
      return 1;
  }
  throw std::logic_error("dtype_size: invalid DType");
}

bool dtype_is_float(DType dtype) {
  return dtype == DType::F64 || dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

}  // namespace attn
