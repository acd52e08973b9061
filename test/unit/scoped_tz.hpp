#pragma once
// Pins TZ for one test and puts the old value back, for tests of anything
// that shows local time.

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace wm::test {

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

} // namespace wm::test
