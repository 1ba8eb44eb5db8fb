#include "analysis/tsne_fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <mutex>
#include <vector>

#include "analysis/row_blocks.hpp"
#include "core/threads.hpp"
#include "semspace/status.hpp"

namespace semspace::analysis {
namespace {

using analysis_detail::for_row_blocks;
constexpr std::size_t kNodes = kInterpolationNodes;
constexpr std::size_t kMinBoxes2d = 50;  // FIt-SNE's min_num_intervals

// FFTW's planner is not thread-safe (its execute functions are); other code in the process may plan too.
std::mutex& planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

struct FftwFree {
  void operator()(void* p) const noexcept { fftwf_free(p); }
};
template <class T>
using FftwBuffer = std::unique_ptr<T[], FftwFree>;

template <class T>
FftwBuffer<T> fftw_buffer(std::size_t count) {
  auto* p = static_cast<T*>(fftwf_malloc(sizeof(T) * std::max<std::size_t>(count, 1)));
  SEMSPACE_CHECK(p != nullptr, "fftw_malloc of {} values failed", count);
  return FftwBuffer<T>(p);
}

struct PlanDestroy {
  void operator()(fftwf_plan_s* plan) const noexcept { fftwf_destroy_plan(plan); }
};
using PlanHandle = std::unique_ptr<fftwf_plan_s, PlanDestroy>;

bool fft_friendly(std::size_t n) {
  for (std::size_t f : {2, 3}) {
    while (n % f == 0) n /= f;
  }
  return n == 1;
}

// Lagrange basis of the kNodes nodes at (k + 0.5) / kNodes of a unit box, at u in [0, 1].
std::array<double, kNodes> lagrange(double u) {
  std::array<double, kNodes> w;
  for (std::size_t k = 0; k < kNodes; ++k) {
    const double xk = (static_cast<double>(k) + 0.5) / kNodes;
    double v = 1;
    for (std::size_t m = 0; m < kNodes; ++m) {
      if (m == k) continue;
      const double xm = (static_cast<double>(m) + 0.5) / kNodes;
      v *= (u - xm) / (xk - xm);
    }
    w[k] = v;
  }
  return w;
}

// Where one point sits on the grid: the first node of its box along each axis, and the weights of the
// kNodes^dim nodes around it.
template <std::size_t kDim>
struct Stencil {
  std::size_t first[kDim];
  std::array<double, kNodes> weight[kDim];
};

template <std::size_t kDim>
Stencil<kDim> stencil(const double* y, double low, double box, std::size_t boxes) {
  Stencil<kDim> s;
  for (std::size_t c = 0; c < kDim; ++c) {
    const double t = (y[c] - low) / box;
    const std::size_t b = std::min(boxes - 1, static_cast<std::size_t>(std::max(0.0, std::floor(t))));
    s.first[c] = b * kNodes;
    s.weight[c] = lagrange(t - static_cast<double>(b));
  }
  return s;
}

// Calls fn(grid index, weight) for the kNodes^dim grid nodes of a stencil; the grid has `side` nodes per axis.
template <std::size_t kDim, class Fn>
void for_nodes(const Stencil<kDim>& s, std::size_t side, Fn&& fn) {
  if constexpr (kDim == 2) {
    for (std::size_t a = 0; a < kNodes; ++a) {
      for (std::size_t b = 0; b < kNodes; ++b) {
        fn((s.first[0] + a) * side + s.first[1] + b, s.weight[0][a] * s.weight[1][b]);
      }
    }
  } else {
    for (std::size_t a = 0; a < kNodes; ++a) {
      for (std::size_t b = 0; b < kNodes; ++b) {
        const double wab = s.weight[0][a] * s.weight[1][b];
        for (std::size_t c = 0; c < kNodes; ++c) {
          fn(((s.first[0] + a) * side + s.first[1] + b) * side + s.first[2] + c, wab * s.weight[2][c]);
        }
      }
    }
  }
}

}  // namespace

std::size_t fft_boxes_per_axis(double width, std::size_t dim) {
  const double wanted = std::ceil(std::max(width, 0.0));
  std::size_t boxes = dim == 2 ? std::max<std::size_t>(kMinBoxes2d, static_cast<std::size_t>(wanted))
                               : std::clamp<std::size_t>(static_cast<std::size_t>(wanted), 8, 12);
  while (!fft_friendly(2 * kNodes * boxes)) ++boxes;
  return boxes;
}

struct FftRepulsion::Plans {
  std::size_t padded = 0;  // points per axis of the padded grid
  std::size_t real_size = 0, complex_size = 0;
  FftwBuffer<float> real;
  FftwBuffer<fftwf_complex> spectrum;
  PlanHandle forward, backward;
  double kernel_spacing = 0;  // the grid spacing of the kernel spectra held in spectra (0: none yet)
  std::vector<FftwBuffer<float>> reals;              // per thread
  std::vector<FftwBuffer<fftwf_complex>> products;  // per thread
  std::vector<FftwBuffer<fftwf_complex>> spectra;   // per charge, then kernel K2, kernel K1
};

FftRepulsion::FftRepulsion(std::size_t dim) : dim_(dim) {
  SEMSPACE_CHECK(dim == 2 || dim == 3, "FFT t-SNE in {} dimensions (2 or 3)", dim);
}
FftRepulsion::~FftRepulsion() = default;

FftRepulsion::Plans& FftRepulsion::plans_for(std::size_t padded) {
  auto& slot = plans_[padded];
  if (slot) return *slot;
  // The grid grows with the map: only the latest size is worth keeping (each holds buffers per thread).
  std::erase_if(plans_, [&](const auto& entry) { return entry.first != padded; });
  auto plans = std::make_unique<Plans>();
  plans->padded = padded;
  plans->real_size = dim_ == 2 ? padded * padded : padded * padded * padded;
  plans->complex_size = plans->real_size / padded * (padded / 2 + 1);
  plans->real = fftw_buffer<float>(plans->real_size);
  plans->spectrum = fftw_buffer<fftwf_complex>(plans->complex_size);
  const int n[3] = {static_cast<int>(padded), static_cast<int>(padded), static_cast<int>(padded)};
  {
    std::lock_guard lock(planner_mutex());
    plans->forward.reset(fftwf_plan_dft_r2c(static_cast<int>(dim_), n, plans->real.get(), plans->spectrum.get(),
                                           FFTW_ESTIMATE));
    plans->backward.reset(fftwf_plan_dft_c2r(static_cast<int>(dim_), n, plans->spectrum.get(), plans->real.get(),
                                            FFTW_ESTIMATE));
  }
  SEMSPACE_CHECK(plans->forward && plans->backward, "FFTW could not plan a {}-D transform of side {}", dim_, padded);
  slot = std::move(plans);
  return *slot;
}

double FftRepulsion::compute(std::span<const double> y, std::span<double> repulsion, int threads) {
  const std::size_t dim = dim_, n = y.size() / dim;
  SEMSPACE_CHECK(y.size() == n * dim && repulsion.size() == y.size(), "map {} values, repulsion {}, dim {}",
                 y.size(), repulsion.size(), dim);
  double low = y.empty() ? 0 : y[0], high = low;
  for (double v : y) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  // A margin keeps the largest coordinate strictly inside the last box.
  const double margin = 1e-6 * std::max(1.0, high - low);
  low -= margin;
  high += margin;
  const double centre = 0.5 * (low + high);
  const std::size_t boxes = fft_boxes_per_axis(high - low, dim);
  // Boxes exactly one unit wide once the map is wide enough (2-D), centred on the map: the grid spacing then
  // stays the same from one iteration to the next, and so do the kernel spectra, which are kept.
  const bool unit_boxes = dim == 2 && high - low >= static_cast<double>(kMinBoxes2d);
  const double box = unit_boxes ? 1.0 : (high - low) / static_cast<double>(boxes), spacing = box / kNodes;
  low = centre - 0.5 * box * static_cast<double>(boxes);
  const std::size_t side = boxes * kNodes, padded = 2 * side;
  const std::size_t grid_size = dim == 2 ? side * side : side * side * side;
  Plans& plans = plans_for(padded);

  // Charges: 1 and the coordinates from the centre. Spread on one thread (cheap next to the transforms).
  const std::size_t charges = dim + 1;
  std::vector<double> grid(charges * grid_size, 0.0);
  auto spread = [&]<std::size_t kDim>() {
    for (std::size_t i = 0; i < n; ++i) {
      const double* yi = y.data() + i * kDim;
      const auto s = stencil<kDim>(yi, low, box, boxes);
      double q[kDim + 1] = {1.0};
      for (std::size_t c = 0; c < kDim; ++c) q[c + 1] = yi[c] - centre;
      for_nodes<kDim>(s, side, [&](std::size_t g, double w) {
        for (std::size_t c = 0; c < kDim + 1; ++c) grid[c * grid_size + g] += w * q[c];
      });
    }
  };
  if (dim == 2) {
    spread.template operator()<2>();
  } else {
    spread.template operator()<3>();
  }

  // Kernel spectra on the circulant embedding: offset o along an axis is o for o < side, o - padded above, and
  // the unused middle entry (o = side) is 0.
  const std::size_t real_size = plans.real_size, complex_size = plans.complex_size;
  std::vector<double> offset2(padded);
  for (std::size_t a = 0; a < padded; ++a) {
    const double o = a <= side ? static_cast<double>(a) : static_cast<double>(a) - static_cast<double>(padded);
    offset2[a] = o * o * spacing * spacing;
  }
  auto kernel_values = [&](bool squared, float* real) {
    const std::size_t planes = dim == 2 ? 1 : padded;
    for (std::size_t p0 = 0; p0 < planes; ++p0) {
      const double base = dim == 2 ? 0.0 : offset2[p0];
      for (std::size_t a = 0; a < padded; ++a) {
        float* row = real + (p0 * padded + a) * padded;
        for (std::size_t b = 0; b < padded; ++b) {
          const double k1 = 1.0 / (1.0 + base + offset2[a] + offset2[b]);
          row[b] = static_cast<float>(squared ? k1 * k1 : k1);
        }
        if (a == side) std::fill(row, row + padded, 0.0f);
        row[side] = 0.0f;
      }
      if (dim == 3 && p0 == side) std::fill(real + p0 * padded * padded, real + (p0 + 1) * padded * padded, 0.0f);
    }
  };
  // The grid (side^dim) sits in the low corner of the padded array (padded^dim).
  const std::size_t lines = grid_size / side;
  auto line_offset = [&](std::size_t line) {
    return dim == 2 ? line * padded : ((line / side) * padded + line % side) * padded;
  };

  // Transforms in two rounds of independent jobs spread over the threads (FFTW's execute is thread-safe), each
  // thread with its own real buffer: (1) the spectra of the two kernels and of every charge grid, (2) the
  // products and inverse transforms: K2 with every charge, K1 with charge 1.
  const std::size_t outputs = charges + 1;  // K2*1, K2*y_c..., K1*1
  std::vector<double> potential(outputs * grid_size, 0.0);
  const double norm = 1.0 / static_cast<double>(real_size);
  const std::size_t jobs = plans.kernel_spacing == spacing ? charges : charges + 2;
  const int used = std::max(1, std::min<int>(threads, static_cast<int>(jobs)));
  // Buffers live with the plans: allocating them every iteration cost more than the transforms.
  while (plans.reals.size() < static_cast<std::size_t>(used)) {
    plans.reals.push_back(fftw_buffer<float>(real_size));
    plans.products.push_back(fftw_buffer<fftwf_complex>(complex_size));
  }
  while (plans.spectra.size() < charges + 2) plans.spectra.push_back(fftw_buffer<fftwf_complex>(complex_size));
  fftwf_complex* kernel2 = plans.spectra[charges].get();
  fftwf_complex* kernel1 = plans.spectra[charges + 1].get();
  core::run_threads(used, [&](int t) {
    float* real = plans.reals[t].get();
    for (std::size_t job = static_cast<std::size_t>(t); job < jobs; job += static_cast<std::size_t>(used)) {
      if (job < charges) {
        std::fill(real, real + real_size, 0.0f);
        const double* src = grid.data() + job * grid_size;
        for (std::size_t line = 0; line < lines; ++line) std::copy_n(src + line * side, side, real + line_offset(line));
      } else {
        kernel_values(job == charges, real);
      }
      fftwf_execute_dft_r2c(plans.forward.get(), real, plans.spectra[job].get());
    }
  });
  plans.kernel_spacing = spacing;
  core::run_threads(std::min<int>(used, static_cast<int>(outputs)), [&](int t) {
    float* real = plans.reals[t].get();
    fftwf_complex* product = plans.products[t].get();
    const int workers = std::min<int>(used, static_cast<int>(outputs));
    for (std::size_t out = static_cast<std::size_t>(t); out < outputs; out += static_cast<std::size_t>(workers)) {
      const fftwf_complex* spectrum = plans.spectra[out < charges ? out : 0].get();
      const fftwf_complex* kernel = out < charges ? kernel2 : kernel1;
      for (std::size_t k = 0; k < complex_size; ++k) {
        const float re = spectrum[k][0], im = spectrum[k][1];
        product[k][0] = re * kernel[k][0] - im * kernel[k][1];
        product[k][1] = re * kernel[k][1] + im * kernel[k][0];
      }
      fftwf_execute_dft_c2r(plans.backward.get(), product, real);
      double* dst = potential.data() + out * grid_size;
      for (std::size_t line = 0; line < lines; ++line) {
        const float* from = real + line_offset(line);
        for (std::size_t b = 0; b < side; ++b) dst[line * side + b] = from[b] * norm;
      }
    }
  });

  // Back to the points: potentials, then repulsion and the per-point part of Z (summed in point order).
  std::vector<double> z(n);
  auto gather = [&]<std::size_t kDim>() {
    for_row_blocks(n, 1024, threads, [&](int, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const double* yi = y.data() + i * kDim;
        const auto s = stencil<kDim>(yi, low, box, boxes);
        double phi[kDim + 2] = {};
        for_nodes<kDim>(s, side, [&](std::size_t g, double w) {
          for (std::size_t c = 0; c < kDim + 2; ++c) phi[c] += w * potential[c * grid_size + g];
        });
        for (std::size_t c = 0; c < kDim; ++c) repulsion[i * kDim + c] = (yi[c] - centre) * phi[0] - phi[c + 1];
        z[i] = phi[kDim + 1] - 1.0;  // K1 with itself is 1
      }
    });
  };
  if (dim == 2) {
    gather.template operator()<2>();
  } else {
    gather.template operator()<3>();
  }
  double total = 0;
  for (double v : z) total += v;
  return total;
}

}  // namespace semspace::analysis
