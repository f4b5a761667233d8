// Internal: offset -> line/column conversion for error messages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"

namespace accord {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  // 1-based line and column (columns count bytes).
  Position PositionAt(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());
    std::size_t col = offset - starts_[line - 1] + 1;
    return Position{static_cast<int>(line), static_cast<int>(col)};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

}  // namespace accord
