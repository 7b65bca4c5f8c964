// Order statistics for the benchmarks' figures.
#pragma once

#include <algorithm>
#include <vector>

namespace vigil::bench {

inline double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

inline double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

}  // namespace vigil::bench
