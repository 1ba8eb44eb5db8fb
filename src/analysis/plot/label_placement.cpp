#include "analysis/plot/label_placement.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "semspace/status.hpp"

namespace semspace::plot {
namespace {

// A uniform grid over the bounds, each cell listing the obstacles whose box touches it: a candidate box is then
// tested only against the few obstacles near it rather than against all points and labels.
class ObstacleGrid {
 public:
  ObstacleGrid(const Box& bounds, double cell) : bounds_(bounds), cell_(cell) {
    columns_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(bounds.width() / cell)));
    rows_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(bounds.height() / cell)));
    cells_.resize(columns_ * rows_);
  }

  void insert(const Box& box, std::uint32_t id) {
    const CellRange cells = cells_of(box);
    for (std::size_t r = cells.row_begin; r <= cells.row_last; ++r) {
      for (std::size_t c = cells.column_begin; c <= cells.column_last; ++c) cells_[r * columns_ + c].push_back(id);
    }
  }

  // True when hit(id) holds for an obstacle in a cell `box` touches (an id may be offered once per shared cell).
  template <class Hit>
  bool any(const Box& box, Hit&& hit) const {
    const CellRange cells = cells_of(box);
    for (std::size_t r = cells.row_begin; r <= cells.row_last; ++r) {
      for (std::size_t c = cells.column_begin; c <= cells.column_last; ++c) {
        for (std::uint32_t id : cells_[r * columns_ + c]) {
          if (hit(id)) return true;
        }
      }
    }
    return false;
  }

 private:
  struct CellRange {
    std::size_t column_begin, column_last, row_begin, row_last;
  };
  // Boxes reaching outside the bounds land in the border cells.
  std::size_t clamp_cell(double offset, std::size_t count) const {
    if (!(offset > 0)) return 0;
    return std::min(count - 1, static_cast<std::size_t>(offset / cell_));
  }
  CellRange cells_of(const Box& box) const {
    return {clamp_cell(box.x0 - bounds_.x0, columns_), clamp_cell(box.x1 - bounds_.x0, columns_),
            clamp_cell(box.y0 - bounds_.y0, rows_), clamp_cell(box.y1 - bounds_.y0, rows_)};
  }

  Box bounds_;
  double cell_;
  std::size_t columns_ = 1, rows_ = 1;
  std::vector<std::vector<std::uint32_t>> cells_;
};

Box point_box(PixelPoint p, double radius) { return {p.x - radius, p.y - radius, p.x + radius, p.y + radius}; }

// The eight positions around a point, most preferred first: right, upper right, lower right, left, upper left,
// lower left, above, below. Side positions clear the point's square by `gap`, corner positions by half of it
// on both axes (the marker is round, so the corner is farther from it than the sides).
std::array<Box, 8> candidates(PixelPoint p, double w, double h, double radius, double gap) {
  const double r = radius + gap, d = radius + gap / 2;
  const double mid = p.y - h / 2, centre = p.x - w / 2;
  return {{{p.x + r, mid, p.x + r + w, mid + h},
           {p.x + d, p.y - d - h, p.x + d + w, p.y - d},
           {p.x + d, p.y + d, p.x + d + w, p.y + d + h},
           {p.x - r - w, mid, p.x - r, mid + h},
           {p.x - d - w, p.y - d - h, p.x - d, p.y - d},
           {p.x - d - w, p.y + d, p.x - d, p.y + d + h},
           {centre, p.y - r - h, centre + w, p.y - r},
           {centre, p.y + r, centre + w, p.y + r + h}}};
}

}  // namespace

std::vector<std::optional<Box>> place_labels(std::span<const PixelPoint> points,
                                             std::span<const LabelRequest> requests,
                                             const LabelPlacementOptions& options) {
  std::vector<std::optional<Box>> placed(requests.size());
  const Box& bounds = options.bounds;
  if (requests.empty() || !(bounds.width() > 0) || !(bounds.height() > 0)) return placed;
  const double radius = std::max(0.0, options.point_radius);
  // Cells of about two text lines: a label then touches a handful of cells, and a cell holds few labels.
  double typical_height = 0;
  for (const auto& r : requests) typical_height = std::max(typical_height, r.height);
  const double cell = std::max({2 * typical_height, 4 * radius, 8.0});

  ObstacleGrid point_grid(bounds, cell), label_grid(bounds, cell);
  for (std::size_t i = 0; i < points.size(); ++i) {
    point_grid.insert(point_box(points[i], radius), static_cast<std::uint32_t>(i));
  }
  std::vector<Box> labels;
  for (std::size_t request_idx = 0; request_idx < requests.size(); ++request_idx) {
    if (options.max_labels != 0 && labels.size() == options.max_labels) break;
    const LabelRequest& request = requests[request_idx];
    SEMSPACE_CHECK(request.point < points.size(), "label request {} names point {} of {}", request_idx,
                   request.point, points.size());
    if (!(request.width > 0) || !(request.height > 0)) continue;
    for (const Box& box : candidates(points[request.point], request.width, request.height, radius, options.gap)) {
      if (!bounds.contains(box)) continue;
      if (label_grid.any(box, [&](std::uint32_t id) { return labels[id].overlaps(box); })) continue;
      if (point_grid.any(box, [&](std::uint32_t id) {
            return id != request.point && point_box(points[id], radius).overlaps(box);
          })) {
        continue;
      }
      label_grid.insert(box, static_cast<std::uint32_t>(labels.size()));
      labels.push_back(box);
      placed[request_idx] = box;
      break;
    }
  }
  return placed;
}

}  // namespace semspace::plot
