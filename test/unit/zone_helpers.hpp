#pragma once
// Time-zone helpers shared by the unit tests that depend on the local zone:
// pinning TZ for one test, and naming UTC instants by their parts.

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace wm::test {

/// Sets TZ for one test and puts the old value back.
class scoped_tz {
public:
  explicit scoped_tz(const char* zone) {
    if (const char* old = std::getenv("TZ"))
      saved_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~scoped_tz() {
    if (saved_)
      ::setenv("TZ", saved_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  scoped_tz(const scoped_tz&) = delete;
  scoped_tz& operator=(const scoped_tz&) = delete;

private:
  std::optional<std::string> saved_;
};

/// The instant of a UTC date and time.
inline std::time_t utc(int year, int month, int day, int hour, int minute, int second = 0) {
  std::tm parts{};
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  return ::timegm(&parts);
}

} // namespace wm::test
