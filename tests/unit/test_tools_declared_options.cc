// tools/common/declared_options.h: a declared option list (attn/declared_option.h) as CLI11
// flags (OptionFlags) and as the settings a trained model keeps (FixedOptions).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/declared_option.h"
#include "common/declared_options.h"
#include "common/fine_tune.h"
#include "common/run_guarded.h"
#include "common/settings_table.h"

using namespace attn::tools;
using attn::declare;

namespace {

enum class Window { Hann, Povey };

// A library's options as such a list declares them: one of each kind the bridge handles.
struct FakeConfig {
  int bins = 23;
  float shift = 10.0f;
  double floor = 1.0;
  std::string mode = "utt";
  bool deltas = false;
  Window window = Window::Povey;
  std::string output = "-";
  int channel = -1;
  int bits = 16;
};

template <class Visit>
void for_each_fake_option(FakeConfig& c, Visit&& visit) {
  visit(declare("num-bins", c.bins, "Mel bins").range(3, 100).in_group("Frames"));
  visit(declare("frame-shift", c.shift, "Frame shift in ms").range(1.0, 100.0).in_group("Frames"));
  visit(declare("energy-floor", c.floor, "Energy floor").range(0.0, 1e6));
  visit(declare("cmvn", c.mode, "Normalisation").one_of({"none", "utt"}));
  visit(declare("deltas", c.deltas, "Add deltas"));
  visit(declare("window-type", c.window, "Window").named({{"hann", Window::Hann}, {"povey", Window::Povey}}));
  visit(declare("output", c.output, "Where to write").shown_as("PATH").alias("o").fixed_if(false));
  visit(declare("channel", c.channel, "Channel (-1: all)").range(-1, 7).fixed_if(false));
  visit(declare("bits", c.bits, "Sample bits").one_of({16, 24}).fixed_if(false));
}

// Parses `words` with the list's flags on a fresh command; `c` gets what they set.
void parse(CLI::App& cmd, FakeConfig& c, std::vector<std::string> words) {
  cmd.option_defaults()->always_capture_default();
  for_each_fake_option(c, OptionFlags{cmd});
  std::reverse(words.begin(), words.end());
  cmd.parse(words);
}

std::string parse_error(std::vector<std::string> words) {
  CLI::App cmd{"fake"};
  FakeConfig c;
  try {
    parse(cmd, c, std::move(words));
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "(parsed)";
}

}  // namespace

TEST_CASE("OptionFlags: every kind of declared option sets its field") {
  CLI::App cmd{"fake"};
  FakeConfig c;
  parse(cmd, c, {"--num-bins", "40", "--frame-shift", "12.5", "--energy-floor", "0", "--cmvn", "none", "--deltas",
                 "--window-type", "hann", "-o", "feats.ark", "--channel", "1", "--bits", "24"});
  CHECK(c.bins == 40);
  CHECK(c.shift == 12.5f);
  CHECK(c.floor == 0.0);
  CHECK(c.mode == "none");
  CHECK(c.deltas);
  CHECK(c.window == Window::Hann);
  CHECK(c.output == "feats.ark");
  CHECK(c.channel == 1);
  CHECK(c.bits == 24);
}

TEST_CASE("OptionFlags: defaults stay when a flag is not given; a bool also takes Kaldi's --name=false") {
  CLI::App cmd{"fake"};
  FakeConfig c;
  c.deltas = true;
  parse(cmd, c, {"--deltas=false"});
  CHECK_FALSE(c.deltas);
  CHECK(c.bins == 23);
  CHECK(c.window == Window::Povey);
  CHECK(c.output == "-");
}

TEST_CASE("OptionFlags: values outside the declared range or choices are refused") {
  CHECK(parse_error({"--num-bins", "101"}) == "--num-bins: Value 101 not in range 3 to 100");
  CHECK(parse_error({"--num-bins", "3"}) == "(parsed)");
  CHECK(parse_error({"--frame-shift", "0.5"}).starts_with("--frame-shift: Value 0.5 not in range"));
  CHECK(parse_error({"--channel", "-2"}).starts_with("--channel: Value -2 not in range"));
  CHECK(parse_error({"--cmvn", "global"}).starts_with("--cmvn: global not in"));
  CHECK(parse_error({"--window-type", "hamming"}).starts_with("--window-type: hamming not in"));
  CHECK(parse_error({"--bits", "20"}).starts_with("--bits: 20 not in {16,24}"));
  CHECK(parse_error({"--bits", "+24"}) == "(parsed)");  // a number's choices compare as numbers
}

TEST_CASE("OptionFlags: help shows an enum by its names, the value name, the group and the default") {
  CLI::App cmd{"fake"};
  FakeConfig c;
  parse(cmd, c, {});
  const CLI::Option* window = cmd.get_option("--window-type");
  CHECK(window->get_type_name() == "hann|povey");
  CHECK(window->get_default_str() == "povey");
  CHECK(cmd.get_option("--output")->get_type_name() == "PATH");
  CHECK(cmd.get_option("-o") == cmd.get_option("--output"));
  CHECK(cmd.get_option("--num-bins")->get_group() == "Frames");
  CHECK(cmd.get_option("--num-bins")->get_default_str() == "23");
  CHECK(cmd.get_option("--cmvn")->get_group() == "Options");
}

TEST_CASE("FixedOptions: the kept options land in the settings table, an enum by its name") {
  FakeConfig c;
  c.window = Window::Hann;
  SettingsTable shown;
  for_each_fake_option(c, FixedOptions{shown});
  // --output and --channel are declared fixed_if(false): a trained model does not keep them.
  CHECK(shown.line() == "settings: num-bins 23 frame-shift 10 energy-floor 1 cmvn utt deltas false window-type hann");
  CHECK(shown.fixed() == FixedSettings{{"--num-bins", "23"}, {"--frame-shift", "10"}, {"--energy-floor", "1"},
                                        {"--cmvn", "utt"}, {"--deltas", "false"}, {"--window-type", "hann"}});
  SettingsTable quiet;
  for_each_fake_option(c, FixedOptions{quiet, true});
  CHECK(quiet.line() == "settings:");  // fixed, but not in the line
  CHECK(quiet.fixed() == shown.fixed());
}

TEST_CASE("FixedOptions: train --init refuses another value of a kept option, and leaves the others free") {
  FakeConfig saved;
  SettingsTable settings;
  for_each_fake_option(saved, FixedOptions{settings, true});
  const auto check = [&](std::vector<std::string> words) {
    CLI::App cmd{"train"};
    FakeConfig c;
    parse(cmd, c, std::move(words));
    try {
      settings.refuse_init_conflicts(cmd, "base.safetensors");
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(kept)");
  };
  CHECK(check({"--num-bins", "23", "--frame-shift", "10.0", "--window-type", "povey"}) == "(kept)");
  CHECK(check({"--num-bins", "40"}) ==
        "--num-bins 40 conflicts with --init base.safetensors (num-bins 23); leave it out to keep the model's");
  CHECK(check({"--window-type", "hann"}).starts_with("--window-type hann conflicts"));
  CHECK(check({"--deltas"}).starts_with("--deltas"));
  CHECK(check({"--channel", "3", "-o", "x.ark"}) == "(kept)");  // not kept by a model: free
}
