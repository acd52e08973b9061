#include "actors/guards.hpp"

#include <caf/all.hpp>
#include <exception>

namespace wm {

void install_guards(caf::scheduled_actor* self, const log::logger& log) {
  self->set_default_handler([log](caf::scheduled_actor* who, caf::message_view& view)
                              -> caf::result<caf::message> {
    log.warning("ignored an unexpected message: {}", caf::to_string(view.content()));
    if (who->current_message_id().is_request())
      return caf::sec::unexpected_message;
    return caf::message{};
  });
  self->set_error_handler([log](caf::scheduled_actor*, caf::error& err) {
    log.warning("ignored an error reply: {}", caf::to_string(err));
  });
  self->set_down_handler([log](caf::scheduled_actor*, caf::down_msg& msg) {
    log.debug("an actor it watched ended: {}", caf::to_string(msg.reason));
  });
  self->set_exception_handler([log](caf::scheduled_actor*, std::exception_ptr& ptr) -> caf::error {
    try {
      std::rethrow_exception(ptr);
    } catch (const std::exception& e) {
      log.error("internal error, restarting this actor: {}", e.what());
    } catch (...) {
      log.error("internal error of unknown kind, restarting this actor");
    }
    return caf::sec::runtime_error;
  });
}

} // namespace wm
