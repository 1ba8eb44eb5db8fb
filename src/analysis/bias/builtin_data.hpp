// The word lists of data/ built into the binary (src/CMakeLists.txt writes their definitions from the files).
#pragma once

#include <string_view>

namespace semspace::builtin_data {

/// data/weat/caliskan2017_sets.json: the word sets of Caliskan et al. (2017).
std::string_view caliskan2017_sets_json();
/// data/weat/caliskan2017_tests.json: the ten WEAT tests of Caliskan et al. (2017).
std::string_view caliskan2017_tests_json();
/// data/debias/bolukbasi2016_gender.json: definitional pairs, equalize pairs and gender-specific words.
std::string_view bolukbasi2016_gender_json();

}  // namespace semspace::builtin_data
