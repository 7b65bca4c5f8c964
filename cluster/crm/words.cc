#include "cluster/crm/words.h"

#include <cctype>

namespace vigil::crm {

Result<std::vector<std::string>> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (!in_word && c == '#' && words.empty()) break;  // a comment line
    in_word = true;
    if (c == '\\') {
      if (i + 1 == line.size()) {
        return Status(StatusCode::kParseError, "the line ends in a backslash (column " + std::to_string(i + 1) + ")");
      }
      word += line[++i];
      continue;
    }
    if (c != '"' && c != '\'') {
      word += c;
      continue;
    }
    const size_t opened = i;
    for (++i; i < line.size() && line[i] != c; ++i) {
      // In double quotes a backslash escapes only " and \ (POSIX shell, as crmsh splits).
      if (c == '"' && line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) ++i;
      word += line[i];
    }
    if (i == line.size()) {
      return Status(StatusCode::kParseError, std::string("unbalanced quotes: the ") + c + " at column " +
                                                 std::to_string(opened + 1) + " is never closed");
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

bool LineJoiner::Add(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  size_t backslashes = 0;
  while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
  if (backslashes % 2 == 1) {
    text_.append(line.substr(0, line.size() - 1));
    text_ += ' ';
    return false;
  }
  text_.append(line);
  return true;
}

std::string LineJoiner::Take() {
  std::string out;
  out.swap(text_);
  return out;
}

std::string Quoted(std::string_view value) {
  bool plain = !value.empty();
  for (const char c : value) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
  }
  if (plain) return std::string(value);
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace vigil::crm
