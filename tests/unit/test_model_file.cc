// attn/model_file.h and the text model file over it: round trip, checked reads that name the
// field, the config checked against the tensors before anything is allocated, no gradients;
// copy_parameters (train --init): values by name, fresh prefixes left alone, missing or
// reshaped parameters named.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attn/error.h"
#include "attn/model_file.h"
#include "attn/rng.h"
#include "attn/text/model_file.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "no error";
}

int temp_counter = 0;

struct TempFile {
  fs::path path = fs::temp_directory_path() / ("attn_model_file_" + std::to_string(::getpid()) + "_" +
                                               std::to_string(temp_counter++) + ".safetensors");
  ~TempFile() { fs::remove(path); }
};

attn::text::TextModel small_model() {
  attn::text::TokenizerConfig t;
  t.buckets = 64;
  t.max_len = 16;
  attn::text::VocabBuilder vocab(t);
  vocab.add("good food tasty food");
  vocab.add("fast game good team");
  attn::text::TextModelConfig c;
  c.dim = 8;
  c.layers = 1;
  c.heads = 2;
  c.ff_dim = 16;
  c.num_labels = 2;
  attn::text::TextModel m{std::make_unique<attn::text::TextClassifier>(c, vocab.build()), {"food", "sports"}, {}};
  attn::Rng rng(3);
  m.classifier->init(rng);
  return m;
}

// A copy of the file at `from` with attn.config replaced (tensors as they are).
void rewrite_config(const fs::path& from, const fs::path& to, const std::function<void(json&)>& edit) {
  const auto file = attn::SafeTensorsFile::open(from.string());
  std::vector<attn::Tensor> tensors;
  for (const auto& name : file.names()) tensors.push_back(file.tensor(name));
  std::vector<attn::NamedTensor> named;
  const auto names = file.names();
  for (size_t i = 0; i < names.size(); ++i) named.push_back({names[i], &tensors[i]});
  auto metadata = file.metadata();
  json config = json::parse(metadata["attn.config"]);
  edit(config);
  metadata["attn.config"] = config.dump();
  attn::save_safetensors(to.string(), named, metadata);
}

}  // namespace

TEST_CASE("ConfigReader: every error names the field") {
  const json j = json::parse(R"({"dim": 70000, "name": 3, "pos": "spiral", "flag": 1, "big": 18446744073709551615})");
  const attn::ConfigReader r(j, "attn.config: model");
  CHECK(error_of([&] { r.integer("dim", 1, 4096); }) == "attn.config: model.dim: 70000 is outside [1, 4096]");
  CHECK(error_of([&] { r.integer("heads", 1, 8); }) == "attn.config: model.heads: missing");
  CHECK(error_of([&] { r.string("name"); }) == "attn.config: model.name: not a string");
  CHECK(error_of([&] { r.boolean("flag"); }) == "attn.config: model.flag: not true/false");
  CHECK(error_of([&] { r.integer("big", 0, 10); }) == "attn.config: model.big: 18446744073709551615 is outside [0, 10]");
  CHECK(error_of([&] { r.choice<int>("pos", {{"learned", 1}}); }) == "attn.config: model.pos: unknown value \"spiral\"");
  CHECK(error_of([&] { attn::ConfigReader(json::array(), "attn.config"); }) == "attn.config: not a JSON object");
  CHECK(error_of([&] { attn::parse_json("{", "attn.labels"); }).starts_with("attn.labels: invalid JSON"));
  CHECK(attn::storage_from_name("bf16") == attn::DType::BF16);
}

TEST_CASE("text model file: round trip in f32, f16 and bf16; loaded models have no gradients") {
  TempFile f;
  auto model = small_model();
  for (const char* storage : {"f32", "f16", "bf16"}) {
    attn::text::save_text_model(f.path.string(), model, {{"attn.train_command", "attn-text train ..."}},
                                attn::storage_from_name(storage));
    const auto file = attn::SafeTensorsFile::open(f.path.string());
    const auto header = attn::read_model_header(file, attn::text::kTextTask, attn::text::kTextFormatVersion);
    CHECK(header.labels == std::vector<std::string>{"food", "sports"});
    CHECK(header.extra.at("attn.train_command") == "attn-text train ...");
    auto loaded = attn::text::load_text_model(file);
    const auto a = model.classifier->parameters(), b = loaded.classifier->parameters();
    REQUIRE(a.size() == b.size());
    const float tolerance = std::string(storage) == "f32" ? 0.0f : 1e-2f;
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i]->name == b[i]->name);
      CHECK(b[i]->grad.empty());
      for (int64_t k = 0; k < a[i]->value.size(); ++k)
        CHECK(std::abs(a[i]->value[k] - b[i]->value[k]) <= tolerance * std::max(1.0f, std::abs(a[i]->value[k])));
    }
  }
}

TEST_CASE("text model file: a config that disagrees with the tensors is refused before allocation") {
  TempFile f, g;
  auto model = small_model();
  attn::text::save_text_model(f.path.string(), model);
  const auto load = [&](const std::function<void(json&)>& edit) {
    rewrite_config(f.path, g.path, edit);
    return error_of([&] { attn::text::load_text_model(attn::SafeTensorsFile::open(g.path.string())); });
  };
  // Huge dimensions (gigabytes if allocated): the first tensor whose shape disagrees is named.
  CHECK(load([](json& c) { c["model"]["dim"] = 4096; c["model"]["ff_dim"] = 65536; c["model"]["layers"] = 64; }) ==
        g.path.string() + ": tensor 'embed.words.weight': the config needs (9, 4096), the file holds (9, 8) "
                          "(attn.config disagrees with the tensors)");
  CHECK(load([](json& c) { c["model"]["layers"] = 2; }).find("tensor 'encoder.layers.1.ln1.weight' of shape (8,) is missing") != std::string::npos);
  CHECK(load([](json& c) { c["model"]["layers"] = 0; }).find("'encoder.layers.0.attn.k.bias' is not part of the model") != std::string::npos);
  CHECK(load([](json& c) { c["model"]["dim"] = 5000; }) == g.path.string() + ": attn.config: model.dim: 5000 is outside [1, 4096]");
  CHECK(load([](json& c) { c["model"].erase("pool"); }) == g.path.string() + ": attn.config: model.pool: missing");
  CHECK(load([](json& c) { c["documents"]["email_from"] = "yes"; }) == g.path.string() + ": attn.config: documents.email_from: not true/false");
}

TEST_CASE("model header: task, version and labels are checked") {
  TempFile f;
  attn::Tensor t({2});
  attn::save_safetensors(f.path.string(), {{"t", &t}},
                         {{"attn.task", "text-classification"}, {"attn.format_version", "1"},
                          {"attn.config", "{}"}, {"attn.labels", R"(["a","a"])"}});
  const auto file = attn::SafeTensorsFile::open(f.path.string());
  CHECK(error_of([&] { attn::read_model_header(file, "text-classification", "1"); }) ==
        f.path.string() + ": attn.labels: duplicate label \"a\"");
  CHECK(error_of([&] { attn::read_model_header(file, "image-classification", "1"); }) ==
        f.path.string() + ": a model for task \"text-classification\", not image-classification");
  CHECK(error_of([&] { attn::read_model_header(file, "text-classification", "2"); }) ==
        f.path.string() + ": model format version 1 is not supported (expected 2)");
}

TEST_CASE("parameter_shapes lists exactly the parameters the model builds") {
  for (const auto pos : {attn::text::PosKind::Learned, attn::text::PosKind::Sinusoidal}) {
    auto model = small_model();
    attn::text::TextModelConfig c = model.classifier->config();
    c.pos = pos;
    attn::text::TextClassifier built(c, model.classifier->tokenizer());
    const auto shapes = attn::text::TextClassifier::parameter_shapes(c, built.tokenizer());
    const auto params = built.parameters();
    REQUIRE(shapes.size() == params.size());
    for (const attn::Parameter* p : params) {
      const auto it = std::find_if(shapes.begin(), shapes.end(), [&](const auto& s) { return s.name == p->name; });
      REQUIRE(it != shapes.end());
      CHECK(it->shape == p->value.shape());
    }
  }
}

TEST_CASE("copy_parameters copies by name and leaves fresh prefixes as they are") {
  attn::Parameter a("encoder.w", {2, 3}), h("head.weight", {4, 3});
  attn::Parameter sa("encoder.w", {2, 3}), sh("head.weight", {2, 3}), extra("unused", {1});
  for (int64_t i = 0; i < 6; ++i) sa.value.data()[i] = float(i + 1);
  h.value.data()[0] = 7.0f;
  CHECK(attn::copy_parameters({&a, &h}, {&sh, &extra, &sa}, {"head."}) == 1);
  for (int64_t i = 0; i < 6; ++i) CHECK(a.value.data()[i] == float(i + 1));
  CHECK(h.value.data()[0] == 7.0f);  // fresh: not copied (and its shape may differ)
}

TEST_CASE("copy_parameters names a missing or reshaped parameter") {
  attn::Parameter a("encoder.w", {2, 3}), other("encoder.w", {3, 2}), b("encoder.b", {3});
  CHECK_THROWS_WITH_AS(attn::copy_parameters({&a}, {&other}, {}),
                       "parameter encoder.w has another shape in the model to start from", attn::Error);
  CHECK_THROWS_WITH_AS(attn::copy_parameters({&b}, {&a}, {}),
                       "parameter encoder.b is missing from the model to start from", attn::Error);
}
