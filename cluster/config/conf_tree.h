// The corosync.conf syntax, read into a tree: `name {` opens a section, `}` closes it,
// `key: value` sets a value, a line whose first non-blank character is `#` is a comment. Every
// item keeps its line, so that what is wrong can be named as file:line.
//
// This is only the syntax; what the keys mean is config.h's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::config {

struct ConfItem {
  std::string key;
  std::string value;  // for a value
  int line = 0;
};

struct ConfSection {
  std::string name;
  int line = 0;
  std::vector<ConfItem> values;
  std::vector<ConfSection> sections;
};

// Parses `text`; errors name `source` and the line ("corosync.conf:12: ..."): a line that is
// neither, a `}` without a section, a section left open, nesting deeper than 16.
Result<ConfSection> ParseConfTree(std::string_view text, std::string_view source);

}  // namespace vigil::config
