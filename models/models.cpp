// Anchor of the tg_models library; the models live in the folders beside it.
namespace tg::models {
const char* library_name() { return "tilegraph models"; }
}  // namespace tg::models
