# Sourced by the benchmark runners: the same OpenBLAS kernel and CPU capability for attn and
# PyTorch. PyTorch only picks its fastest kernels when told (Debian's OpenBLAS 0.3.21 misdetects
# recent CPUs): AVX-512 machines get SkylakeX/avx512, AVX2 machines Haswell/avx2. attn gets the
# same OpenBLAS kernel, so the comparison is of everything but the BLAS kernel.
if grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX ATEN_CPU_CAPABILITY=avx512
elif grep -qw avx2 /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2
fi
python=/usr/bin/python3  # Debian's python3-torch
[[ -x $python ]] || python=python3
