#include "messages/service_state.hpp"

namespace wm {

std::string_view to_string(service_state state) {
  switch (state) {
    case service_state::stopped:
      return "stopped";
    case service_state::starting:
      return "starting";
    case service_state::running:
      return "running";
    case service_state::backoff:
      return "backoff";
    case service_state::stopping:
      return "stopping";
    case service_state::exited:
      return "exited";
    case service_state::fatal:
      return "fatal";
  }
  return "stopped";
}

} // namespace wm
