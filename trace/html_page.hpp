#pragma once
// The fixed parts of the HTML swimlane page: style, layout and the canvas-drawing script.
// The writer puts the run's data, as JSON, between the two halves.
#include <string_view>

namespace tg::detail {

// Everything up to and including the opening tag of the data element
// <script id="tg-data" type="application/json">.
std::string_view swimlane_page_head();
// The closing tag of the data element, the drawing script and the end of the page.
std::string_view swimlane_page_tail();

}  // namespace tg::detail
