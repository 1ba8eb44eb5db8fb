// API-key authentication: `Authorization: Bearer <key>` compared in constant time, so the time an answer takes
// tells nothing about how much of a guessed key was right.
#pragma once

#include <string_view>

namespace semspace::serve {

/// Equality whose running time depends only on the lengths, never on where the strings differ.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

/// True when `authorization` (the header's value) is "Bearer <key>" for this key.
bool bearer_matches(std::string_view authorization, std::string_view key) noexcept;

/// Whether a path needs the key: the API does; /health (for load balancers' probes) and the page's static files
/// do not (the page asks for the key before calling the API).
bool path_needs_key(std::string_view path) noexcept;

}  // namespace semspace::serve
