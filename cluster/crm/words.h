// crm's command lines split into words, as crmsh reads them.
//
// Words are separated by blanks. Double or single quotes group a word and are removed
// (`params ip="192.168.1.100"` gives the word `ip=192.168.1.100`). Outside quotes a backslash takes
// the next character as it is; inside double quotes only before `"` and `\` (elsewhere it stays). A line whose first word starts with `#` is a
// comment. A line that ends in a backslash continues on the next one: LineJoiner does that.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::crm {

// Errors: kParseError when a quote is never closed or the line ends in a lone backslash; the
// message gives the column (from 1) of the quote.
Result<std::vector<std::string>> SplitWords(std::string_view line);

// Joins continued lines: Add() each line read; true when the command is whole (take it with
// Take()), false while a trailing backslash asks for more.
class LineJoiner {
 public:
  bool Add(std::string_view line);
  std::string Take();
  bool pending() const { return !text_.empty(); }

 private:
  std::string text_;
};

// The word as crmsh shows a value: as it is when it holds only letters, digits and `_.-`,
// otherwise in double quotes (with `"` and `\` escaped).
std::string Quoted(std::string_view value);

}  // namespace vigil::crm
