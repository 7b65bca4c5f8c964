#include "cluster/cib/rule.h"

#include <regex.h>
#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>

namespace vigil::cib {
namespace {

constexpr int64_t kDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), and back.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Civil {
  int64_t year, month, day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int64_t d = day_of_year - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {year_of_era + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Monday = 1 ... Sunday = 7, of a day since the epoch (1970-01-01 was a Thursday).
int64_t Weekday(int64_t days) {
  const int64_t w = (days + 3) % 7;  // 0 = Monday
  return (w < 0 ? w + 7 : w) + 1;
}

// The day (since the epoch) of the Monday of ISO week 1 of `year`: the week holding 4 January.
int64_t IsoWeekOneMonday(int64_t year) {
  const int64_t jan4 = DaysFromCivil(year, 1, 4);
  return jan4 - (Weekday(jan4) - 1);
}

// The ISO week-numbering year and week of a day since the epoch.
std::pair<int64_t, int64_t> IsoWeek(int64_t days) {
  int64_t year = CivilFromDays(days).year;
  if (days >= IsoWeekOneMonday(year + 1)) {
    ++year;
  } else if (days < IsoWeekOneMonday(year)) {
    --year;
  }
  return {year, (days - IsoWeekOneMonday(year)) / 7 + 1};
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view text, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Skip(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The date part: the day since the epoch.
std::optional<int64_t> ParseDate(std::string_view text, size_t& pos) {
  int64_t year = 0;
  if (!Digits(text, pos, 4, year) || !Skip(text, pos, '-')) return std::nullopt;
  if (Skip(text, pos, 'W')) {
    int64_t week = 0, day = 1;
    if (!Digits(text, pos, 2, week) || week < 1 || week > 53) return std::nullopt;
    if (Skip(text, pos, '-') && (!Digits(text, pos, 1, day) || day < 1 || day > 7)) return std::nullopt;
    const int64_t days = IsoWeekOneMonday(year) + (week - 1) * 7 + (day - 1);
    if (IsoWeek(days).first != year) return std::nullopt;  // week 53 of a 52-week year
    return days;
  }
  int64_t first = 0;
  const size_t start = pos;
  if (Digits(text, pos, 3, first)) {  // ordinal: YYYY-DDD
    if (first < 1 || first > (IsLeap(year) ? 366 : 365)) return std::nullopt;
    return DaysFromCivil(year, 1, 1) + first - 1;
  }
  pos = start;
  int64_t month = 0, day = 0;
  if (!Digits(text, pos, 2, month) || !Skip(text, pos, '-') || !Digits(text, pos, 2, day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  return DaysFromCivil(year, month, day);
}

// Seconds since midnight: HH, HH:MM, HH:MM:SS or HHMMSS (24:00:00 allowed as the end of a day).
std::optional<int64_t> ParseTime(std::string_view text, size_t& pos) {
  int64_t h = 0, m = 0, s = 0;
  if (!Digits(text, pos, 2, h)) return std::nullopt;
  if (Skip(text, pos, ':')) {
    if (!Digits(text, pos, 2, m)) return std::nullopt;
    if (Skip(text, pos, ':') && !Digits(text, pos, 2, s)) return std::nullopt;
  } else if (pos + 4 <= text.size() && Digits(text, pos, 2, m) && !Digits(text, pos, 2, s)) {
    return std::nullopt;
  }
  if (h > 24 || m > 59 || s > 60 || (h == 24 && (m != 0 || s != 0))) return std::nullopt;
  return h * 3600 + m * 60 + s;
}

// An offset from UTC in seconds: Z, +HH, +HH:MM or +HHMM (or -).
std::optional<int64_t> ParseOffset(std::string_view text, size_t& pos) {
  if (Skip(text, pos, 'Z')) return 0;
  int sign = 0;
  if (Skip(text, pos, '+')) {
    sign = 1;
  } else if (Skip(text, pos, '-')) {
    sign = -1;
  } else {
    return std::nullopt;
  }
  int64_t h = 0, m = 0;
  if (!Digits(text, pos, 2, h)) return std::nullopt;
  if (Skip(text, pos, ':')) {
    if (!Digits(text, pos, 2, m)) return std::nullopt;
  } else if (pos < text.size()) {
    if (!Digits(text, pos, 2, m)) return std::nullopt;
  }
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

// The local time zone's offset from UTC at `utc` (seconds since the epoch).
int64_t LocalOffset(int64_t utc) {
  const time_t t = static_cast<time_t>(utc);
  struct tm local {};
  localtime_r(&t, &local);
  return local.tm_gmtoff;
}

// The broken-down local time of `at`, as date_spec reads it.
struct Fields {
  int64_t values[DateSpec::kFields] = {};
};

Fields LocalFields(int64_t at) {
  const int64_t local = at + LocalOffset(at);
  int64_t days = local / kDay;
  int64_t second_of_day = local % kDay;
  if (second_of_day < 0) {
    second_of_day += kDay;
    --days;
  }
  const Civil c = CivilFromDays(days);
  const auto [week_year, week] = IsoWeek(days);
  Fields f;
  f.values[DateSpec::kYears] = c.year;
  f.values[DateSpec::kMonths] = c.month;
  f.values[DateSpec::kMonthdays] = c.day;
  f.values[DateSpec::kHours] = second_of_day / 3600;
  f.values[DateSpec::kMinutes] = second_of_day / 60 % 60;
  f.values[DateSpec::kSeconds] = second_of_day % 60;
  f.values[DateSpec::kYeardays] = days - DaysFromCivil(c.year, 1, 1) + 1;
  f.values[DateSpec::kWeekyears] = week_year;
  f.values[DateSpec::kWeeks] = week;
  f.values[DateSpec::kWeekdays] = Weekday(days);
  return f;
}

bool DateMatches(const RuleExpression& e, int64_t now) {
  if (e.operation == "date_spec") {
    const Fields f = LocalFields(now);
    for (int i = 0; i < DateSpec::kFields; ++i) {
      const auto& range = e.spec.fields[i];
      if (range && (f.values[i] < range->low || f.values[i] > range->high)) return false;
    }
    return true;
  }
  if (e.operation == "gt") return e.start && now > *e.start;
  if (e.operation == "lt") return e.end && now < *e.end;
  // in_range: within both bounds, inclusive; an end given as a duration counts from the start.
  std::optional<int64_t> end = e.end;
  if (!end && e.start && e.duration) end = AddDuration(*e.start, *e.duration);
  if (!e.start && !end) return false;
  if (e.start && now < *e.start) return false;
  if (end && now > *end) return false;
  return true;
}

// Integers and decimals as Pacemaker reads them in comparisons: leading blanks allowed, what
// follows the number ignored ("12abc" is 12, "3.7" is 3); no digits, or out of range, is no
// number.
std::optional<int64_t> LenientInteger(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<double> LenientNumber(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || errno == ERANGE) return std::nullopt;
  return v;
}

// Dotted versions compared field by field as numbers, a missing field as 0 ("1.2" == "1.2.0"). A
// field that is not a number counts as 0 (Pacemaker 2.1.5 loops forever on one).
int CompareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    auto field = [](std::string_view& s) {
      const size_t dot = s.find('.');
      const std::string f(s.substr(0, dot));
      s = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
      return std::strtoll(f.c_str(), nullptr, 10);
    };
    const long long x = field(a), y = field(b);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

template <typename T>
int Compare(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Text is compared without regard to case, as Pacemaker does (strcasecmp).
int CompareStrings(const std::string& a, const std::string& b) {
  const int c = strcasecmp(a.c_str(), b.c_str());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Compares a node attribute's value with the expression's, as `type` says; an integer or number
// that does not read as one is compared as text.
int CompareValues(const std::string& left, const std::string& right, std::string_view type) {
  if (type == "integer") {
    const auto a = LenientInteger(left), b = LenientInteger(right);
    if (a && b) return Compare(*a, *b);
  } else if (type == "number") {
    const auto a = LenientNumber(left), b = LenientNumber(right);
    if (a && b) return Compare(*a, *b);
  } else if (type == "version") {
    return CompareVersions(left, right);
  }
  return CompareStrings(left, right);
}

const std::string* Lookup(const Attributes* attributes, const std::string& name) {
  if (attributes == nullptr) return nullptr;
  const auto it = attributes->find(name);
  return it == attributes->end() ? nullptr : &it->second;
}

bool AttributeMatches(const RuleExpression& e, const RuleContext& c) {
  // Without a node (a resource's meta attributes, cluster options), no expression on a node
  // attribute holds, not even not_defined.
  if (c.node == nullptr) return false;
  // #role compares the resource's role, which Pacemaker 2.1.5 does not know where it evaluates
  // rules (it is "unknown" in location rules): such an expression never holds.
  if (e.attribute == "#role") return false;
  const std::string* left = Lookup(c.node, c.groups != nullptr ? ExpandGroups(e.attribute, *c.groups) : e.attribute);
  if (e.operation == "defined") return left != nullptr;
  if (e.operation == "not_defined") return left == nullptr;
  const std::string* right = e.value ? &*e.value : nullptr;
  if (c.location) {
    // In a location rule an empty value is no value, and value-source names a parameter or
    // meta attribute of the resource whose value is compared.
    if (right != nullptr && right->empty()) right = nullptr;
    if (right != nullptr && e.value_source == "param") right = Lookup(c.params, *right);
    if (right != nullptr && e.value_source == "meta") right = Lookup(c.meta, *right);
  }
  std::string_view type = e.type;
  if (type.empty()) {
    const bool ordering = e.operation == "lt" || e.operation == "lte" || e.operation == "gt" || e.operation == "gte";
    const bool dotted = (left != nullptr && left->find('.') != std::string::npos) ||
                        (right != nullptr && right->find('.') != std::string::npos);
    type = !ordering ? "string" : (dotted ? "number" : "integer");
  }
  // A missing value is less than any other, two missing ones equal.
  int cmp = 0;
  if (left != nullptr && right != nullptr) {
    cmp = CompareValues(*left, *right, type);
  } else if (left != nullptr || right != nullptr) {
    cmp = left == nullptr ? -1 : 1;
  }
  if (e.operation == "eq") return cmp == 0;
  if (e.operation == "ne") return cmp != 0;
  if (left == nullptr || right == nullptr) return false;
  if (e.operation == "lt") return cmp < 0;
  if (e.operation == "lte") return cmp <= 0;
  if (e.operation == "gt") return cmp > 0;
  if (e.operation == "gte") return cmp >= 0;
  return false;
}

// An rsc_expression's field: class and type match any when not given; a provider not given
// matches only an agent without one (Pacemaker 2.1.5's reading, stricter than its documentation).
bool Matches(const std::string* actual, const std::string& wanted, bool empty_matches_any) {
  if (wanted.empty()) return empty_matches_any || actual == nullptr || actual->empty();
  return actual != nullptr && *actual == wanted;
}

bool ExpressionMatches(const RuleExpression& e, const RuleContext& c) {
  switch (e.kind) {
    case RuleExpression::Kind::kAttribute:
      return AttributeMatches(e, c);
    case RuleExpression::Kind::kDate:
      return DateMatches(e, c.now);
    case RuleExpression::Kind::kResource:
      // Without a resource (cluster options, location rules), it does not hold; a group or a
      // clone is a resource without an agent.
      if (!c.resource) return false;
      return Matches(c.standard, e.standard, true) && Matches(c.provider, e.provider, false) &&
             Matches(c.agent_type, e.agent_type, true);
    case RuleExpression::Kind::kOperation:
      if (c.op_name == nullptr) return false;
      return *c.op_name == e.op_name && (!e.interval_ms || c.op_interval_ms == e.interval_ms);
    case RuleExpression::Kind::kRule:
      return !e.nested.empty() && RuleMatches(e.nested.front(), c);
  }
  return false;
}

}  // namespace

struct ResourcePattern::Compiled {
  regex_t regex;
};

ResourcePattern::ResourcePattern(const std::string& pattern) : compiled_(std::make_unique<Compiled>()) {
  const int rc = regcomp(&compiled_->regex, pattern.c_str(), REG_EXTENDED);
  if (rc != 0) {
    char message[256];
    regerror(rc, &compiled_->regex, message, sizeof message);
    error_ = message;
    compiled_.reset();
  }
}

ResourcePattern::~ResourcePattern() {
  if (compiled_) regfree(&compiled_->regex);
}

bool ResourcePattern::Match(const std::string& id, std::vector<std::string>* groups) const {
  if (!compiled_) return false;
  regmatch_t found[10];
  if (regexec(&compiled_->regex, id.c_str(), 10, found, 0) != 0) return false;
  if (groups != nullptr) {
    groups->clear();
    for (const regmatch_t& m : found) {
      groups->push_back(m.rm_so < 0 ? std::string() : id.substr(static_cast<size_t>(m.rm_so), static_cast<size_t>(m.rm_eo - m.rm_so)));
    }
  }
  return true;
}

std::string ExpandGroups(const std::string& name, const std::vector<std::string>& groups) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 1 < name.size() && name[i + 1] >= '0' && name[i + 1] <= '9') {
      const size_t n = static_cast<size_t>(name[i + 1] - '0');
      if (n < groups.size()) out += groups[n];
      ++i;
    } else {
      out += name[i];
    }
  }
  return out;
}

bool Rule::UsesDate() const {
  for (const auto& e : expressions) {
    if (e.kind == RuleExpression::Kind::kDate) return true;
    if (e.kind == RuleExpression::Kind::kRule && !e.nested.empty() && e.nested.front().UsesDate()) return true;
  }
  return false;
}

bool HasRules(const std::vector<AttributeSet>& sets) {
  return std::any_of(sets.begin(), sets.end(), [](const AttributeSet& s) { return !s.rules.empty(); });
}

void ResolveSets(const std::vector<AttributeSet>& sets, const RuleContext& context, Attributes& into) {
  for (const auto& set : sets) {
    const bool applies = set.rules.empty() || std::any_of(set.rules.begin(), set.rules.end(), [&](const Rule& r) {
                           return RuleMatches(r, context);
                         });
    if (!applies) continue;
    for (const auto& [name, value] : set.values) {
      // "#default" takes back a value a set before it gave.
      if (strcasecmp(value.c_str(), "#default") == 0) {
        into.erase(name);
      } else {
        into.emplace(name, value);
      }
    }
  }
}

bool Rule::UsesValueSource() const {
  for (const auto& e : expressions) {
    if (e.kind == RuleExpression::Kind::kAttribute && !e.value_source.empty()) return true;
    if (e.kind == RuleExpression::Kind::kRule && !e.nested.empty() && e.nested.front().UsesValueSource()) return true;
  }
  return false;
}

bool RuleMatches(const Rule& rule, const RuleContext& context) {
  // An empty rule holds when its expressions are and-ed, not when or-ed (Pacemaker logs it as
  // invalid and evaluates it so).
  for (const auto& e : rule.expressions) {
    const bool matched = ExpressionMatches(e, context);
    if (rule.any && matched) return true;
    if (!rule.any && !matched) return false;
  }
  return !rule.any;
}

std::optional<int64_t> ParseIsoDateTime(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text == "epoch") return 0;  // Pacemaker's name for 1970-01-01 00:00:00 UTC
  size_t pos = 0;
  std::optional<int64_t> days;
  int64_t year = 0, month = 0, day = 0;
  if (text.size() >= 8 && text.find('-') > 8 && Digits(text, pos, 4, year) && Digits(text, pos, 2, month) &&
      Digits(text, pos, 2, day)) {
    // The basic form, YYYYMMDD.
    if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
    days = DaysFromCivil(year, month, day);
  } else {
    pos = 0;
    days = ParseDate(text, pos);
  }
  if (!days) return std::nullopt;
  // A date alone is midnight UTC, as Pacemaker reads it.
  if (pos == text.size()) return *days * kDay;
  if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
  ++pos;
  const auto time = ParseTime(text, pos);
  if (!time) return std::nullopt;
  // The offset may follow the time directly (ISO 8601; Pacemaker 2.1.5 takes one only after a
  // blank, reading "T12:00:00+05:00" as local time: Vigil reads it as written).
  std::optional<int64_t> offset;
  Skip(text, pos, ' ');
  if (pos < text.size()) {
    offset = ParseOffset(text, pos);
    if (!offset || pos != text.size()) return std::nullopt;
  }
  const int64_t wall = *days * kDay + *time;
  if (offset) return wall - *offset;
  // Local time: the offset in force at that moment (found from the moment as if UTC, then
  // corrected once, which is exact away from a change of offset).
  const int64_t guess = wall - LocalOffset(wall);
  return wall - LocalOffset(guess);
}

int64_t AddDuration(int64_t at, const DateDuration& d) {
  int64_t days = at / kDay;
  int64_t second_of_day = at % kDay;
  if (second_of_day < 0) {
    second_of_day += kDay;
    --days;
  }
  Civil c = CivilFromDays(days);
  const int64_t months = c.month - 1 + d.months + d.years * 12;
  c.year += months >= 0 ? months / 12 : (months - 11) / 12;
  c.month = (months % 12 + 12) % 12 + 1;
  c.day = std::min(c.day, DaysInMonth(c.year, c.month));
  return (DaysFromCivil(c.year, c.month, c.day) + d.weeks * 7 + d.days) * kDay + second_of_day + d.hours * 3600 +
         d.minutes * 60 + d.seconds;
}

}  // namespace vigil::cib

namespace vigil::cib {

std::optional<DateDuration> ParseIsoDuration(std::string_view text) {
  if (text.size() < 3 || text.front() != 'P') return std::nullopt;
  DateDuration d;
  bool time = false;
  bool any = false;
  size_t i = 1;
  while (i < text.size()) {
    if (text[i] == 'T') {
      if (time) return std::nullopt;
      time = true;
      ++i;
      continue;
    }
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data() + i || end == text.data() + text.size() || n < 0 || n > 1000000) {
      return std::nullopt;
    }
    i = static_cast<size_t>(end - text.data());
    const char unit = text[i++];
    int64_t* field = nullptr;
    switch (unit) {
      case 'Y': field = time ? nullptr : &d.years; break;
      case 'M': field = time ? &d.minutes : &d.months; break;
      case 'W': field = time ? nullptr : &d.weeks; break;
      case 'D': field = time ? nullptr : &d.days; break;
      case 'H': field = time ? &d.hours : nullptr; break;
      case 'S': field = time ? &d.seconds : nullptr; break;
      default: break;
    }
    if (field == nullptr) return std::nullopt;
    *field += n;
    any = true;
  }
  if (!any) return std::nullopt;
  return d;
}

}  // namespace vigil::cib
