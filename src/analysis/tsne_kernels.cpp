// Compiled once per SIMD target by Highway (foreach_target.h re-includes this file); the functions dispatch to
// the best target the CPU supports. Doubles throughout: the pairs' sums differ from a scalar loop only in their
// order, the exponentials by at most one ulp (Highway's Exp).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "analysis/tsne_kernels.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <cmath>

#include "analysis/tsne_kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace semspace::analysis::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <std::size_t kDim>
HWY_INLINE double Pairs(const double* const* columns, std::size_t i, const float* p, std::size_t n,
                        double* const* attract, double* const* repel) {
  const hn::ScalableTag<double> d;
  const hn::Rebind<float, decltype(d)> df;  // as many floats as d has doubles
  using V = hn::Vec<decltype(d)>;
  const std::size_t lanes = hn::Lanes(d);
  const V one = hn::Set(d, 1.0);
  double yi[kDim];
  V at[kDim], rep[kDim], centre[kDim];
  for (std::size_t c = 0; c < kDim; ++c) {
    yi[c] = columns[c][i];
    at[c] = hn::Zero(d);
    rep[c] = hn::Zero(d);
    centre[c] = hn::Set(d, yi[c]);
  }
  V zs = hn::Zero(d);
  std::size_t j = i + 1;
  for (; j + lanes <= n; j += lanes) {
    V diff[kDim];
    V d2 = hn::Zero(d);
    for (std::size_t c = 0; c < kDim; ++c) {
      diff[c] = hn::Sub(centre[c], hn::LoadU(d, columns[c] + j));
      d2 = hn::MulAdd(diff[c], diff[c], d2);
    }
    const V w = hn::Div(one, hn::Add(one, d2));
    const V pw = hn::Mul(hn::PromoteTo(d, hn::LoadU(df, p + j)), w);
    const V ww = hn::Mul(w, w);
    for (std::size_t c = 0; c < kDim; ++c) {
      const V pull = hn::Mul(pw, diff[c]), push = hn::Mul(ww, diff[c]);
      at[c] = hn::Add(at[c], pull);
      rep[c] = hn::Add(rep[c], push);
      hn::StoreU(hn::Sub(hn::LoadU(d, attract[c] + j), pull), d, attract[c] + j);
      hn::StoreU(hn::Sub(hn::LoadU(d, repel[c] + j), push), d, repel[c] + j);
    }
    zs = hn::Add(zs, w);
  }
  double z = hn::GetLane(hn::SumOfLanes(d, zs));
  double row_at[kDim], row_rep[kDim];
  for (std::size_t c = 0; c < kDim; ++c) {
    row_at[c] = hn::GetLane(hn::SumOfLanes(d, at[c]));
    row_rep[c] = hn::GetLane(hn::SumOfLanes(d, rep[c]));
  }
  for (; j < n; ++j) {
    double diff[kDim], d2 = 0;
    for (std::size_t c = 0; c < kDim; ++c) {
      diff[c] = yi[c] - columns[c][j];
      d2 += diff[c] * diff[c];
    }
    const double w = 1.0 / (1.0 + d2), pw = static_cast<double>(p[j]) * w, ww = w * w;
    for (std::size_t c = 0; c < kDim; ++c) {
      row_at[c] += pw * diff[c];
      row_rep[c] += ww * diff[c];
      attract[c][j] -= pw * diff[c];
      repel[c][j] -= ww * diff[c];
    }
    z += w;
  }
  for (std::size_t c = 0; c < kDim; ++c) {
    attract[c][i] += row_at[c];
    repel[c][i] += row_rep[c];
  }
  return z;
}

double Pairs2(const double* const* columns, std::size_t i, const float* p, std::size_t n, double* const* attract,
              double* const* repel) {
  return Pairs<2>(columns, i, p, n, attract, repel);
}
double Pairs3(const double* const* columns, std::size_t i, const float* p, std::size_t n, double* const* attract,
              double* const* repel) {
  return Pairs<3>(columns, i, p, n, attract, repel);
}

void GaussianRow(const float* distances, std::size_t n, float nearest, double beta, double* p, double* sums) {
  const hn::ScalableTag<double> d;
  const hn::Rebind<float, decltype(d)> df;
  using V = hn::Vec<decltype(d)>;
  const std::size_t lanes = hn::Lanes(d);
  const V centre = hn::Set(d, static_cast<double>(nearest)), scale = hn::Set(d, -beta);
  V sum = hn::Zero(d), weighted = hn::Zero(d);
  std::size_t j = 0;
  for (; j + lanes <= n; j += lanes) {
    const V shifted = hn::Sub(hn::PromoteTo(d, hn::LoadU(df, distances + j)), centre);
    const V e = hn::Exp(d, hn::Mul(shifted, scale));
    hn::StoreU(e, d, p + j);
    sum = hn::Add(sum, e);
    weighted = hn::MulAdd(shifted, e, weighted);
  }
  double s = hn::GetLane(hn::SumOfLanes(d, sum)), w = hn::GetLane(hn::SumOfLanes(d, weighted));
  for (; j < n; ++j) {
    const double shifted = static_cast<double>(distances[j]) - nearest;
    p[j] = std::exp(-shifted * beta);
    s += p[j];
    w += shifted * p[j];
  }
  sums[0] = s;
  sums[1] = w;
}

}  // namespace semspace::analysis::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace semspace::analysis {

HWY_EXPORT(Pairs2);
HWY_EXPORT(Pairs3);
HWY_EXPORT(GaussianRow);

std::pair<double, double> tsne_gaussian_row(const float* distances, std::size_t n, float nearest, double beta,
                                            double* p) {
  double sums[2];
  HWY_DYNAMIC_DISPATCH(GaussianRow)(distances, n, nearest, beta, p, sums);
  return {sums[0], sums[1]};
}

double tsne_exact_pairs(std::size_t dim, const double* const* columns, std::size_t i, const float* p, std::size_t n,
                        double* const* attract, double* const* repel) {
  return dim == 2 ? HWY_DYNAMIC_DISPATCH(Pairs2)(columns, i, p, n, attract, repel)
                  : HWY_DYNAMIC_DISPATCH(Pairs3)(columns, i, p, n, attract, repel);
}

}  // namespace semspace::analysis
#endif  // HWY_ONCE
