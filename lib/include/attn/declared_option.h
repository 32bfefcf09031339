#pragma once
// An option a library declares once: its name, the field it sets, its help, and what values it
// may take. The library knows nothing of the command line; the tools turn one such list into
// flags and into the settings a trained model keeps (tools/common/declared_options.h). A list
// is a function template that shows a visitor each option in turn, its field at the default:
//   template <class Visit> void for_each_gat_option(graph::GatModelConfig& c, Visit&& visit) {
//     visit(declare("layers", c.layers, "GAT layers, the last one the output layer").range(1, 8));
//     visit(declare("heads", c.heads, "Heads per layer").range(1, 16));
//   }
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace attn {

template <class T>
struct DeclaredOption {
  std::string name;  // the flag without "--" ("num-mel-bins"), also the setting's name
  T& value;          // the field it sets; what it holds when declared is the default
  std::string help;
  std::string group;                      // the help section; empty: the command's own options
  std::vector<T> choices;                 // the values a string or number may take; empty: any
  std::vector<std::pair<std::string, T>> names;  // an enum's values by name, in --help's order
  std::string value_name;                 // how --help names the value (PATH); empty: by its type
  std::string letter;                     // a one-letter alias ("o": -o)
  // The range a number must be in (a float's range in double, as the flags check it).
  using Bound = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  std::optional<std::pair<Bound, Bound>> bounds;
  // For lists of model settings: a model trained with it keeps it (train --init refuses another
  // value).
  bool fixed = true;

  DeclaredOption(std::string name, T& value, std::string help)
      : name(std::move(name)), value(value), help(std::move(help)) {}

  DeclaredOption in_group(std::string g) && {
    group = std::move(g);
    return std::move(*this);
  }
  DeclaredOption one_of(std::vector<T> c) && {
    choices = std::move(c);
    return std::move(*this);
  }
  DeclaredOption range(Bound lo, Bound hi) && {
    bounds.emplace(lo, hi);
    return std::move(*this);
  }
  DeclaredOption named(std::vector<std::pair<std::string, T>> n) && {
    names = std::move(n);
    return std::move(*this);
  }
  DeclaredOption shown_as(std::string v) && {
    value_name = std::move(v);
    return std::move(*this);
  }
  DeclaredOption alias(std::string l) && {
    letter = std::move(l);
    return std::move(*this);
  }
  // Fixed only when it matters (e.g. a threshold of a step that is off).
  DeclaredOption fixed_if(bool f) && {
    fixed = f;
    return std::move(*this);
  }
};

template <class T>
DeclaredOption<T> declare(std::string name, T& value, std::string help) {
  return DeclaredOption<T>(std::move(name), value, std::move(help));
}

}  // namespace attn
