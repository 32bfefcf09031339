// tools/common: the pure parts (formatting, reading with limits, batch errors, exit codes).
// End-to-end behaviour of a real executable is in tests/cli/test_common.sh.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/error.h"
#include "attn/parallel.h"
#include "common/batch_errors.h"
#include "common/cli.h"
#include "common/embedded_model.h"
#include "common/item_batch.h"
#include "attn/data/input.h"
#include "common/log.h"
#include "common/model_choice.h"
#include "common/output.h"
#include "common/predict_kit.h"
#include "common/progress.h"
#include "common/run_guarded.h"
#include "common/settings_table.h"

namespace fs = std::filesystem;
using namespace attn::tools;
using namespace attn::data;

namespace {

// A fresh directory under /tmp, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("attn_tools_common_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& contents) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p.string();
  }
};

// A stream over `bytes` for LineReader.
struct MemoryFile {
  std::string bytes;
  std::FILE* f;
  explicit MemoryFile(std::string b) : bytes(std::move(b)), f(fmemopen(bytes.data(), bytes.size(), "rb")) {}
  ~MemoryFile() { std::fclose(f); }
};

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST_CASE("one_line keeps a message on a single line") {
  CHECK(one_line("a\nb\r\nc\n\n") == "a b c");
  CHECK(one_line("plain") == "plain");
}

TEST_CASE("TSV prediction lines escape their fields") {
  Prediction p{"dir/a\tb.txt", {{"spam", 0.9765625}, {"ham\\x", 0.0234375}}};
  CHECK(tsv_line(p) == "dir/a\\tb.txt\tspam\t0.976562\tham\\\\x\t0.023438\n");
  CHECK(tsv_escape("a\nb\rc") == "a\\nb\\rc");
}

TEST_CASE("JSON lines keep field order, round probabilities and survive bad UTF-8") {
  Prediction p{"17", {{"sports", 0.123456789}}};
  p.extra["tokens"] = 12;
  CHECK(jsonl_line(p) == "{\"id\":\"17\",\"labels\":[{\"label\":\"sports\",\"prob\":0.123457}],\"tokens\":12}\n");
  Prediction bad{"caf\xe9.txt", {}};
  CHECK(jsonl_line(bad) == "{\"id\":\"caf\xef\xbf\xbd.txt\",\"labels\":[]}\n");
}

TEST_CASE("top_k orders by probability, breaks ties by index and clamps k") {
  const std::vector<std::string> labels{"a", "b", "c", "d"};
  const std::vector<float> probs{0.1f, 0.4f, 0.1f, 0.4f};
  const auto two = top_k(probs, labels, 2);
  REQUIRE(two.size() == 2);
  CHECK(two[0].label == "b");
  CHECK(two[1].label == "d");
  CHECK(top_k(probs, labels, 99).size() == 4);
  CHECK(top_k(probs, labels, 99)[2].label == "a");
  CHECK(top_k(probs, labels, 0).size() == 1);
  CHECK_THROWS_AS(top_k(probs, {"a"}, 1), std::invalid_argument);
}

TEST_CASE("LineReader strips CRLF and a BOM, and reads a last line without newline") {
  MemoryFile m("\xEF\xBB\xBFone\r\ntwo\n\nlast");
  LineReader r(m.f, "mem");
  std::string line;
  std::vector<std::string> lines;
  while (r.next(line)) lines.push_back(line);
  CHECK(lines == std::vector<std::string>{"one", "two", "", "last"});
  CHECK(r.line_number() == 4);
}

TEST_CASE("LineReader stops at the line limit without storing the rest, then recovers") {
  const size_t limit = 1024;
  MemoryFile m("ok\n" + std::string(2 * limit, 'x') + "\nafter\n");  // skipped: the second half
  LineReader r(m.f, "big.txt", limit);
  std::string line;
  REQUIRE(r.next(line));
  CHECK(line == "ok");
  CHECK(error_of([&] { r.next(line); }) == "big.txt:2: line longer than 1024 bytes");
  CHECK(line.capacity() < 4 * limit);  // memory stayed bounded by the limit
  REQUIRE(r.next(line));
  CHECK(line == "after");
  CHECK(r.where() == "big.txt:3");
  CHECK_FALSE(r.next(line));
}

TEST_CASE("LineReader gives up on an input whose bad line has no end within the limit") {
  // Skipping what follows a bad line is bounded like reading, so an endless stream without a
  // line end (/dev/zero under --keep-going) ends after two errors instead of never.
  const size_t limit = 1024;
  for (const char fill : {'x', '\0'}) {
    MemoryFile m("ok\n" + std::string(10 << 20, fill) + "\nafter\n");  // a 10 MB line
    LineReader r(m.f, "big.txt", limit);
    std::string line;
    REQUIRE(r.next(line));
    CHECK(error_of([&] { r.next(line); }).starts_with("big.txt:2: "));
    CHECK(error_of([&] { r.next(line); }) ==
          "big.txt:2: no line end within 1 KiB after the bad line; the rest of big.txt is not read");
    // The line, then the skip, both at the limit, plus at most one read-ahead buffer (64 KiB).
    CHECK(std::ftell(m.f) <= static_cast<long>(3 + 2 * (limit + 1) + (64 << 10)));
    CHECK_FALSE(r.next(line));
  }
}

TEST_CASE("LineReader rejects NUL bytes as binary data and goes on with the next line") {
  MemoryFile m(std::string("text\nbi\0nary\nmore\n", 18));
  LineReader r(m.f, "f.txt");
  std::string line;
  REQUIRE(r.next(line));
  CHECK(error_of([&] { r.next(line); }) == "f.txt:2: binary data (NUL byte); expected text");
  REQUIRE(r.next(line));
  CHECK(line == "more");
}

TEST_CASE("InputFile names the file in its errors") {
  TempDir dir;
  CHECK(error_of([&] { InputFile f((dir.path / "missing.txt").string()); }) ==
        (dir.path / "missing.txt").string() + ": No such file or directory");
  CHECK(error_of([&] { InputFile f(dir.path.string()); }) == dir.path.string() + ": is a directory");
  CHECK(InputFile("-").name() == "stdin");
}

TEST_CASE("read_file enforces its size limit and read_text_file rejects binary data") {
  TempDir dir;
  const std::string small = dir.file("small.txt", "\xEF\xBB\xBFhello");
  const std::string big = dir.file("big.bin", std::string(5000, 'a'));
  const std::string bin = dir.file("x.bin", std::string("ab\0cd", 5));
  CHECK(read_text_file(small) == "hello");
  CHECK(read_file(small).size() == 8);
  CHECK(read_file(big, 5000).size() == 5000);
  CHECK(error_of([&] { read_file(big, 4096); }) == big + ": file is larger than the limit of 4 KiB (5000 bytes)");
  CHECK(error_of([&] { read_text_file(bin); }) == bin + ": binary data (NUL byte at offset 2); expected text");
  CHECK(looks_binary(std::string("a\0", 2)));
  CHECK_FALSE(looks_binary("plain text"));
}

TEST_CASE("format_bytes") {
  CHECK(format_bytes(12) == "12 bytes");
  CHECK(format_bytes(1 << 20) == "1 MiB");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(uint64_t{3} << 30) == "3 GiB");
}

TEST_CASE("InputPaths yields the arguments in order") {
  InputPaths paths({"a.wav", "b.wav"});
  std::string p;
  REQUIRE(paths.next(p));
  CHECK(p == "a.wav");
  REQUIRE(paths.next(p));
  CHECK(p == "b.wav");
  CHECK_FALSE(paths.next(p));
}

TEST_CASE("BatchErrors: without --keep-going the first bad item stops, named once") {
  BatchErrors batch(false);
  CHECK(batch.run("a.txt", [] {}));
  CHECK(error_of([&] { batch.run("b.txt", [] { throw attn::Error("not UTF-8"); }); }) == "b.txt: not UTF-8");
  CHECK(error_of([&] { batch.run("c.txt", [] { throw attn::Error("c.txt:3: empty"); }); }) == "c.txt:3: empty");
}

TEST_CASE("BatchErrors: with --keep-going bad items are counted and the exit code is 1") {
  BatchErrors batch(true);
  CHECK(batch.run("a", [] {}));
  CHECK_FALSE(batch.run("b", [] { throw attn::Error("bad"); }));
  CHECK(batch.run("c", [] {}));
  CHECK(batch.failures() == 1);
  CHECK(batch.finish() == 1);
  // Only attn::Error is an item's fault: anything else stops the batch.
  CHECK_THROWS_AS(batch.run("d", [] { throw std::logic_error("bug"); }), std::logic_error);
  CHECK_THROWS_AS(batch.run("e", [] { throw OutputError("stdout: full", false); }), OutputError);
  BatchErrors clean(true);
  CHECK(clean.run("a", [] {}));
  CHECK(clean.finish() == 0);
}

TEST_CASE("run_guarded maps outcomes to exit codes") {
  CHECK(run_guarded("t", [] { return 0; }) == 0);
  CHECK(run_guarded("t", [] { return 1; }) == 1);
  CHECK(run_guarded("t", []() -> int { throw attn::Error("data.txt:1: bad"); }) == 1);
  CHECK(run_guarded("t", []() -> int { throw OutputError("writing to stdout: Broken pipe", true); }) == 1);
  CHECK(run_guarded("t", []() -> int { throw UsageError("--k must be positive"); }) == 2);
  CHECK(run_guarded("t", []() -> int { throw std::logic_error("bug"); }) == 3);
  CHECK(run_guarded("t", []() -> int { throw 7; }) == 3);
  CHECK(tool_name() == "t");
}

TEST_CASE("run_guarded parses the common flags and maps parse errors to 2") {
  const auto run = [](std::vector<std::string> words) {
    CLI::App app{"test", "attn-test"};
    configure_app(app);
    CommonOptions common;
    CLI::App* cmd = app.add_subcommand("cmd", "a command");
    add_common_flags(*cmd, common);
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    return run_guarded(app, static_cast<int>(argv.size()), argv.data(), [] { return 0; });
  };
  const int before = attn::threads();
  CHECK(run({"attn-test", "cmd", "--threads", "1"}) == 0);
  CHECK(attn::threads() == 1);
  CHECK(run({"attn-test", "cmd", "--threads", "4096"}) == 0);
  CHECK(attn::threads() == attn::available_cores());  // reduced to the cores, with a notice
  attn::set_threads(before);
  CHECK(run({"attn-test", "cmd", "--threads", "0"}) == 2);
  CHECK(run({"attn-test", "cmd", "--no-such-flag"}) == 2);
  CHECK(run({"attn-test"}) == 2);  // a subcommand is required
  CHECK(run({"attn-test", "cmd", "--quiet", "-v"}) == 2);
  CHECK(run({"attn-test", "cmd", "--quiet"}) == 0);
  CHECK(verbosity() == Verbosity::Quiet);
  set_verbosity(Verbosity::Normal);
}

TEST_CASE("progress lines") {
  CHECK(format_duration(42.4) == "42s");
  CHECK(format_duration(185) == "3:05");
  CHECK(format_duration(3723) == "1:02:03");
  CHECK(format_duration(-1) == "--");
  ProgressSnapshot s;
  s.epoch = 3;
  s.epochs = 10;
  s.items_done = 450;
  s.items_per_epoch = 1000;
  s.loss = 0.43214;
  s.accuracy = 0.873;
  s.items_per_second = 1234;
  s.eta_seconds = 83;
  const std::string wide = format_live_line(s, 200);
  CHECK(wide == "epoch 3/10  [=========>          ]   45%  loss 0.4321  acc 0.8730  1234 items/s  ETA 1:23");
  const std::string narrow = format_live_line(s, 50);
  CHECK(narrow.size() <= 50);
  CHECK(narrow.find('[') == std::string::npos);  // the bar is the first to go
  CHECK(narrow.find("loss 0.4321") != std::string::npos);
  EpochResult r{0.5, 0.75, 0.6, std::nullopt, std::nullopt};
  CHECK(format_epoch_line(2, 5, r, 100, 12.34) == "epoch 2/5  loss 0.5000  acc 0.7500  valid loss 0.6000  100 items/s  12.3s");
}

TEST_CASE("open_model_or_builtin needs a model from somewhere") {
  CHECK_THROWS_AS(open_model_or_builtin("", {}), UsageError);
  CHECK_THROWS_AS(open_model_or_builtin("/nonexistent/model.safetensors", {}), attn::Error);
}

TEST_CASE("ModelChoice: --model or the built-in model; an override applies only when given, a refusal names its flag") {
  TempDir dir;
  const attn::Tensor t({2});
  const std::string path = (dir.path / "m.safetensors").string();
  attn::save_safetensors(path, std::vector<attn::NamedTensor>{{"w", &t}}, {{"origin", "file"}});
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  struct Model {
    int shift = 1;  // "stored in the model"
    std::string origin;
  };
  // Parses `words` for `predict` and loads with `builtin`; the model's origin and shift.
  auto run = [&](const std::string& words, Builtin builtin) {
    CLI::App app{"test", "attn-test"};
    CommonOptions common;
    ModelChoice<Model> choice;
    CLI::App* cmd = choice.add_subcommand(app, "predict", "a command", common, "the built-in model");
    choice.add_override<int>(*cmd, "--shift", "moves", [](Model& m, int v) {
      if (v > 4) throw attn::Error("shift " + std::to_string(v) + ": expected 0 to 4");
      m.shift = v;
    });
    app.parse("predict " + words, false);
    return choice.load(builtin, [](const attn::SafeTensorsFile& f) {
      Model m;
      m.origin = f.has_metadata("origin") ? f.metadata_value("origin") : "built in";
      return m;
    });
  };
  const Builtin builtin(bytes.data(), bytes.size());
  CHECK(run("--model " + path, {}).origin == "file");
  CHECK(run("--model " + path, {}).shift == 1);  // no flag: what the model stores
  CHECK(run("--model " + path + " --shift 3", {}).shift == 3);
  CHECK(run("--shift 0", builtin).shift == 0);
  CHECK(run("", builtin).origin == "file");  // the built-in bytes are this file's
  CHECK_THROWS_WITH_AS(run("--model " + path + " --shift 9", {}), "--shift: shift 9: expected 0 to 4", UsageError);
  CHECK_THROWS_AS(run("", {}), UsageError);  // neither --model nor a built-in model
  CHECK_THROWS_AS(run("--model " + (dir.path / "none.safetensors").string(), builtin), attn::Error);
}

TEST_CASE("ItemBatch runs full batches as they fill and the rest on flush, in order") {
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  attn::tools::ItemBatch<int> batch(3, [&](std::vector<std::string>& ids, std::vector<int>& items) {
    sizes.push_back(items.size());
    for (size_t i = 0; i < ids.size(); ++i) seen.push_back(ids[i] + "=" + std::to_string(items[i]));
  });
  for (int i = 0; i < 7; ++i) batch.add("i" + std::to_string(i), i * 10);
  CHECK(sizes == std::vector<size_t>{3, 3});
  batch.flush();
  batch.flush();  // nothing left: no empty batch
  CHECK(sizes == std::vector<size_t>{3, 3, 1});
  CHECK(seen == std::vector<std::string>{"i0=0", "i1=10", "i2=20", "i3=30", "i4=40", "i5=50", "i6=60"});
}

TEST_CASE("predict_input_paths: the shard's paths in batches, in order; a path that fails to load is counted") {
  const std::vector<std::string> inputs{"a", "bad", "c", "d", "e", "f"};
  std::vector<size_t> sizes;
  std::vector<std::string> emitted;
  auto run = [&](Shard shard, BatchErrors& errors) {
    sizes.clear();
    emitted.clear();
    predict_input_paths<std::string, std::string>(
        inputs, shard, errors, 2,
        [](const std::string& path) {
          if (path == "bad") throw attn::Error("cannot read");
          return path + path;
        },
        [&](const std::vector<std::string>& items) {
          sizes.push_back(items.size());
          std::vector<std::string> results;
          for (const std::string& item : items) results.push_back("<" + item + ">");
          return results;
        },
        [&](const std::string& path, const std::string& item, const std::string& result) {
          emitted.push_back(path + ":" + item + ":" + result);
        });
  };
  BatchErrors keep_going(true);
  run(Shard{}, keep_going);
  CHECK(emitted == std::vector<std::string>{"a:aa:<aa>", "c:cc:<cc>", "d:dd:<dd>", "e:ee:<ee>", "f:ff:<ff>"});
  CHECK(sizes == std::vector<size_t>{2, 2, 1});
  CHECK(keep_going.finish() == 1);
  BatchErrors second(true);
  run(Shard{1, 2}, second);  // positions 1, 3, 5: "bad", "d", "f"
  CHECK(emitted == std::vector<std::string>{"d:dd:<dd>", "f:ff:<ff>"});
  CHECK(second.failures() == 1);
  BatchErrors stop(false);
  CHECK(error_of([&] { run(Shard{}, stop); }) == "bad: cannot read");
}

TEST_CASE("batch_input_lines: the shard's lines with their ids, a batch per input; a missing input is counted") {
  TempDir dir;
  const std::string one = dir.file("one.txt", "a\nb\nc\n");
  const std::string two = dir.file("two.txt", "d\ne");
  std::vector<std::vector<std::string>> batches;
  auto run = [&](const std::vector<std::string>& inputs, Shard shard, BatchErrors& errors) {
    batches.clear();
    ItemBatch<std::string> batch(2, [&](std::vector<std::string>& ids, std::vector<std::string>& lines) {
      std::vector<std::string> b;
      for (size_t i = 0; i < ids.size(); ++i) b.push_back(ids[i] + "=" + lines[i]);
      batches.push_back(b);
    });
    batch_input_lines(batch, inputs, shard, errors);
  };
  using Batches = std::vector<std::vector<std::string>>;
  BatchErrors strict(false);
  run({one}, Shard{}, strict);  // one input: ids are line numbers; full batches, then the rest
  CHECK(batches == Batches{{"1=a", "2=b"}, {"3=c"}});
  run({one, two}, Shard{}, strict);  // several: "file:line", and each input ends its batch
  CHECK(batches == Batches{{one + ":1=a", one + ":2=b"}, {one + ":3=c"}, {two + ":1=d", two + ":2=e"}});
  run({one, two}, Shard{1, 2}, strict);  // lines counted over all inputs: positions 1 and 3
  CHECK(batches == Batches{{one + ":2=b"}, {two + ":1=d"}});
  const std::string missing = (dir.path / "missing.txt").string();
  BatchErrors keep_going(true);
  run({missing, two}, Shard{}, keep_going);
  CHECK(batches == Batches{{two + ":1=d", two + ":2=e"}});
  CHECK(keep_going.failures() == 1);
  BatchErrors stop(false);
  CHECK(error_of([&] { run({missing, two}, Shard{}, stop); }).starts_with(missing));
}

TEST_CASE("SettingsTable: one list gives the settings line and --init's conflict check") {
  SettingsTable model;
  model.fix("dim", 32).fix("patch", 4).note("(16 patches)").show("dropout", 0.2f).group();
  model.fix_quietly("frame-shift", 10.0f).fix("residual", false);
  SettingsTable s;
  s.show("items", 10).group().append(model);
  CHECK(s.line() == "settings: items 10 | dim 32 patch 4 (16 patches) dropout 0.2 | residual false");
  CHECK(s.fixed() == FixedSettings{{"--dim", "32"}, {"--patch", "4"}, {"--frame-shift", "10"}, {"--residual", "false"}});

  const auto check = [&](std::vector<std::string> words) {
    CLI::App cmd{"train"};
    int dim = 0, patch = 0;
    float shift = 0, dropout = 0;
    bool residual = false;
    cmd.add_option("--dim", dim);
    cmd.add_option("--patch", patch);
    cmd.add_option("--frame-shift", shift);
    cmd.add_option("--dropout", dropout);
    cmd.add_flag("--residual", residual);
    std::reverse(words.begin(), words.end());
    cmd.parse(words);
    return error_of([&] { s.refuse_init_conflicts(cmd, "base.safetensors"); });
  };
  CHECK(check({"--dim", "32", "--frame-shift", "10.0", "--dropout", "0.5"}) == "(no exception)");
  CHECK(check({"--dim", "64"}) == "--dim 64 conflicts with --init base.safetensors (dim 32); leave it out to keep the model's");
  CHECK(check({"--frame-shift", "12"}).starts_with("--frame-shift 12 conflicts"));  // fixed, though not in the line
  CHECK(check({"--residual"}).starts_with("--residual"));
}
