// The hnswlib contender once more, compiled with -march=native (bench/CMakeLists.txt), so the report also shows
// hnswlib on its AVX path: with the project's flags hnswlib only compiles its SSE code, while semspace's kernels
// dispatch to AVX2 at run time.
#define ANN_HNSWLIB_VARIANT_NATIVE 1
#include "hnswlib_contender.cpp"  // NOLINT(bugprone-suspicious-include)
