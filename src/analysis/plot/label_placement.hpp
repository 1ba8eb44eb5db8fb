// Text labels beside scatter points without overlaps: greedy placement in the caller's priority order, each
// label trying eight positions around its point (right first, as cartographers prefer) and taking the first
// that stays inside the bounds, clear of every label placed before and of every other point. A label with no
// free position is dropped, so dense regions stay readable instead of turning into a smear of text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace semspace::plot {

/// Axis-aligned rectangle in pixels (y grows downwards); empty interior when x1 <= x0 or y1 <= y0.
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  /// True when the interiors intersect (touching edges do not overlap).
  bool overlaps(const Box& other) const noexcept {
    return x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1;
  }
  bool contains(const Box& other) const noexcept {
    return x0 <= other.x0 && other.x1 <= x1 && y0 <= other.y0 && other.y1 <= y1;
  }
  double width() const noexcept { return x1 - x0; }
  double height() const noexcept { return y1 - y0; }
};

struct PixelPoint {
  double x = 0, y = 0;
};

struct LabelRequest {
  std::uint32_t point = 0;  // index into the points the label names
  double width = 0, height = 0;  // of its text, pixels
};

struct LabelPlacementOptions {
  Box bounds;                  // every placed label lies inside
  double point_radius = 3;     // a point blocks the square of this half-width around it
  double gap = 2;              // between a label and its own point's square
  std::size_t max_labels = 0;  // stop once this many are placed (0 = no limit)
};

/// For each request, in order: the box it was placed in, or nullopt when it was dropped (no free position, or
/// max_labels reached). Placed boxes never overlap each other, never overlap another point's square and lie
/// inside options.bounds. Points outside the bounds still block. Requests naming a point out of range throw
/// InternalError. Cost: about 8 box tests per request against the obstacles of a few grid cells.
std::vector<std::optional<Box>> place_labels(std::span<const PixelPoint> points,
                                             std::span<const LabelRequest> requests,
                                             const LabelPlacementOptions& options);

}  // namespace semspace::plot
