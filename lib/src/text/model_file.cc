#include "attn/text/model_file.h"

#include "attn/error.h"

namespace attn::text {
namespace {

using nlohmann::json;

// Sinusoidal positions are a table computed from the config, not a tensor in the file: bound it.
constexpr int64_t kMaxSinusoidalTable = int64_t{1} << 24;  // floats (64 MiB)

}  // namespace

std::string to_string(PosKind k) { return k == PosKind::Learned ? "learned" : "sinusoidal"; }
std::string to_string(PoolKind k) { return k == PoolKind::Cls ? "cls" : "mean"; }

json model_config_to_json(const TextModelConfig& c) {
  return {{"dim", c.dim},           {"layers", c.layers},
          {"heads", c.heads},       {"ff_dim", c.ff_dim},
          {"dropout", c.dropout},   {"pos", to_string(c.pos)},
          {"pool", to_string(c.pool)}, {"loss", to_string(c.loss)},
          {"label_smoothing", c.label_smoothing}, {"num_labels", c.num_labels}};
}

TextModelConfig model_config_from(const ConfigReader& j) {
  TextModelConfig c;
  c.dim = static_cast<int>(j.integer("dim", 1, 4096));
  c.layers = static_cast<int>(j.integer("layers", 0, 64));
  c.heads = static_cast<int>(j.integer("heads", 1, 256));
  c.ff_dim = static_cast<int>(j.integer("ff_dim", 1, 65536));
  c.num_labels = static_cast<int>(j.integer("num_labels", 1, 1000000));
  c.dropout = static_cast<float>(j.number("dropout", 0.0, 0.99));
  c.label_smoothing = static_cast<float>(j.number("label_smoothing", 0.0, 1.0));
  c.pos = j.choice<PosKind>("pos", {{"learned", PosKind::Learned}, {"sinusoidal", PosKind::Sinusoidal}});
  c.pool = j.choice<PoolKind>("pool", {{"cls", PoolKind::Cls}, {"mean", PoolKind::Mean}});
  c.loss = j.choice<LossKind>("loss", {{"softmax", LossKind::Softmax}, {"ova", LossKind::Ova}});
  if (c.dim % c.heads != 0) throw Error(j.path("dim") + " must be a multiple of model.heads");
  return c;
}

ModelHeader text_model_header(const TextModel& model) {
  const TextClassifier& m = *model.classifier;
  ModelHeader h;
  h.task = kTextTask;
  h.format_version = kTextFormatVersion;
  h.config = {{"model", model_config_to_json(m.config())},
              {"tokenizer", json::parse(tokenizer_config_to_json(m.tokenizer().config()))},
              {"documents", {{"email_from", model.documents.email_from},
                             {"email_content_type", model.documents.email_content_type}}}};
  h.labels = model.labels;
  h.extra["attn.tokenizer"] = m.tokenizer().to_json();
  return h;
}

void save_text_model(const std::string& path, TextModel& model,
                     const std::map<std::string, std::string>& extra_metadata, DType storage) {
  ModelHeader h = text_model_header(model);
  for (const auto& [key, value] : extra_metadata) h.extra[key] = value;
  save_model(path, h, model.classifier->parameters(), storage);
}

TextModel load_text_model(const SafeTensorsFile& file) {
  const ModelHeader header = read_model_header(file, kTextTask, kTextFormatVersion);
  return with_file_name(file, [&] {
    const ConfigReader config(header.config, "attn.config");
    const TextModelConfig model_config = model_config_from(config.object("model"));
    const auto tokenizer_json = header.extra.find("attn.tokenizer");
    if (tokenizer_json == header.extra.end()) throw Error("attn.tokenizer: missing");
    Tokenizer tokenizer = Tokenizer::from_json(tokenizer_json->second);
    TextModel model;
    model.labels = header.labels;
    if (static_cast<int>(model.labels.size()) != model_config.num_labels)
      throw Error("attn.labels: " + std::to_string(model.labels.size()) +
                  " labels but model.num_labels is " + std::to_string(model_config.num_labels));
    if (config.has("documents")) {  // absent: the defaults
      const ConfigReader d = config.object("documents");
      model.documents.email_from = d.boolean("email_from");
      model.documents.email_content_type = d.boolean("email_content_type");
    }
    if (model_config.pos == PosKind::Sinusoidal &&
        static_cast<int64_t>(tokenizer.config().max_len) * model_config.dim > kMaxSinusoidalTable)
      throw Error("attn.tokenizer: max_len " + std::to_string(tokenizer.config().max_len) +
                  " is too long for sinusoidal positions of model.dim " + std::to_string(model_config.dim));
    // The config must describe exactly the file's tensors before anything is allocated from it.
    check_parameter_shapes(file, TextClassifier::parameter_shapes(model_config, tokenizer));
    model.classifier = std::make_unique<TextClassifier>(model_config, std::move(tokenizer));
    load_parameters(file, model.classifier->parameters());
    return model;
  });
}

}  // namespace attn::text
