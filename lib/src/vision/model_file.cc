#include "attn/vision/model_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "attn/error.h"
#include "attn/vision/test_shift.h"

namespace attn::vision {
namespace {

nlohmann::json stats_json(const std::vector<float>& v) { return nlohmann::json(v); }

std::vector<float> read_stats(const nlohmann::json& j, const char* name, int channels) {
  const std::string where = std::string("attn.config: input.") + name;
  if (!j.contains(name) || !j.at(name).is_array() || static_cast<int>(j.at(name).size()) != channels)
    throw Error(where + ": expected an array of " + std::to_string(channels) + " numbers");
  std::vector<float> v;
  for (const auto& x : j.at(name)) {
    if (!x.is_number()) throw Error(where + ": expected numbers");
    v.push_back(x.get<float>());
  }
  return v;
}

// The tensors whose shapes pin the model's size, checked before anything is allocated.
void check_shape(const SafeTensorsFile& f, const std::string& name, std::vector<int64_t> want) {
  if (!f.has(name)) throw Error("missing tensor '" + name + "' (attn.config disagrees with the tensors)");
  if (f.shape(name) != want) {
    std::string w, h;
    for (auto d : want) w += (w.empty() ? "" : ", ") + std::to_string(d);
    for (auto d : f.shape(name)) h += (h.empty() ? "" : ", ") + std::to_string(d);
    throw Error("tensor '" + name + "': the config needs (" + w + "), the file holds (" + h + ")");
  }
}

}  // namespace

void save_image_model(const std::string& path, ImageModel& model,
                      const std::map<std::string, std::string>& extra_metadata, DType storage) {
  const ViTConfig& c = model.vit->config();
  nlohmann::json config = {
      {"model", nlohmann::json::parse(vit_config_to_json(c))},
      {"input", {{"fit", to_string(model.input.fit)},
                 {"mean", stats_json(model.input.stats.mean)},
                 {"std", stats_json(model.input.stats.std)},
                 {"test_shift", model.input.test_views.shift},
                 {"test_views", views_name(model.input.test_views)}}}};
  std::map<std::string, std::string> meta = extra_metadata;
  meta["attn.task"] = kImageTask;
  meta["attn.format_version"] = kImageFormatVersion;
  meta["attn.config"] = config.dump();
  meta["attn.labels"] = nlohmann::json(model.labels).dump();
  save_safetensors(path, model.vit->parameters(), meta, storage);
}

ImageModel load_image_model(const SafeTensorsFile& file) {
  try {
    const std::string task = file.has_metadata("attn.task") ? file.metadata_value("attn.task") : "";
    if (task != kImageTask)
      throw Error("a model of another task (attn.task \"" + task + "\"); attn-image needs \"" +
                  kImageTask + "\"");
    const std::string version = file.metadata_value("attn.format_version");
    if (version != kImageFormatVersion)
      throw Error("attn.format_version \"" + version + "\" is not supported (expected \"" +
                  kImageFormatVersion + "\")");
    const nlohmann::json config = nlohmann::json::parse(file.metadata_value("attn.config"), nullptr, false);
    if (!config.is_object() || !config.contains("model") || !config.contains("input"))
      throw Error("attn.config: expected a JSON object with \"model\" and \"input\"");
    const ViTConfig vc = vit_config_from_json(config.at("model").dump());
    const nlohmann::json& input = config.at("input");
    ImageModel m;
    if (!input.is_object() || !input.contains("fit") || !input.at("fit").is_string())
      throw Error("attn.config: input.fit: expected \"crop\", \"pad\" or \"stretch\"");
    m.input.fit = fit_from_string(input.at("fit").get<std::string>());
    m.input.stats.mean = read_stats(input, "mean", vc.channels);
    m.input.stats.std = read_stats(input, "std", vc.channels);
    for (float s : m.input.stats.std)
      if (!(s > 0.0f)) throw Error("attn.config: input.std: values must be > 0");
    if (input.contains("test_shift")) {
      if (!input.at("test_shift").is_number_integer())
        throw Error("attn.config: input.test_shift: expected a whole number of pixels");
      m.input.test_views.shift = input.at("test_shift").get<int>();
      check_test_shift(m.input.test_views.shift, vc.image_size);
    }
    if (input.contains("test_views")) {
      if (!input.at("test_views").is_string())
        throw Error("attn.config: input.test_views: expected cross, grid, cross+flip or grid+flip");
      try {
        set_views_name(input.at("test_views").get<std::string>(), m.input.test_views);
      } catch (const Error& e) {
        throw Error(std::string("attn.config: input.test_views: ") + e.what());
      }
    }
    const nlohmann::json labels = nlohmann::json::parse(file.metadata_value("attn.labels"), nullptr, false);
    if (!labels.is_array() || static_cast<int>(labels.size()) != vc.num_labels)
      throw Error("attn.labels: expected an array of " + std::to_string(vc.num_labels) + " labels");
    for (const auto& l : labels) {
      if (!l.is_string() || l.get<std::string>().empty()) throw Error("attn.labels: labels must be non-empty strings");
      m.labels.push_back(l.get<std::string>());
    }
    const int P = vc.patch * vc.patch * vc.channels;
    if (vc.stem == StemKind::Conv)  // the stem's last 3x3 conv has max(8, dim) channels
      check_shape(file, "stem.proj.weight", {vc.dim, std::max(8, vc.dim)});
    else
      check_shape(file, "patch.proj.weight", {vc.dim, P});
    check_shape(file, "positions.weight", {vc.tokens(), vc.dim});
    check_shape(file, "head.weight", {vc.num_labels, vc.dim});
    if (vc.layers > 0) {
      const std::string last = "encoder.layers." + std::to_string(vc.layers - 1);
      check_shape(file, last + ".ffn.fc1.weight", {vc.ff_dim(), vc.dim});
      check_shape(file, last + ".attn.q.weight", {vc.dim, vc.dim});
    }
    m.vit = std::make_unique<ViT>(vc);
    load_parameters(file, m.vit->parameters());
    return m;
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(file.name(), 0) == 0) throw;
    throw Error(file.name() + ": " + what);
  }
}

ViTEvaluation evaluate(const ImageModel& model, const ImageSet& set) {
  return evaluate(*model.vit, set, model.input.stats, model.input.test_views);
}

Image load_model_input(std::span<const uint8_t> bytes, int image_size, int channels, Fit fit) {
  return fit_image(decode_image(bytes, channels), image_size, fit);
}

}  // namespace attn::vision
