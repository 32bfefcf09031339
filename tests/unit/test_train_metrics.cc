#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "attn/train/metrics.h"

namespace {

// rows: true a, b, c, d; columns: predicted a, b, c, d. Label d never occurs.
attn::ConfusionMatrix example() {
  attn::ConfusionMatrix cm(4);
  const int counts[4][4] = {{5, 1, 0, 0}, {2, 3, 1, 0}, {0, 1, 4, 0}, {0, 0, 0, 0}};
  for (int t = 0; t < 4; ++t)
    for (int p = 0; p < 4; ++p)
      if (counts[t][p]) cm.add(t, p, counts[t][p]);
  return cm;
}

}  // namespace

TEST_CASE("metrics of a hand-made confusion matrix") {
  const attn::ClassificationMetrics m = attn::compute_metrics(example());
  CHECK(m.n == 17);
  CHECK(m.accuracy == doctest::Approx(12.0 / 17));
  CHECK(m.per_label[0].precision == doctest::Approx(5.0 / 7));
  CHECK(m.per_label[0].recall == doctest::Approx(5.0 / 6));
  CHECK(m.per_label[0].f1 == doctest::Approx(10.0 / 13));
  CHECK(m.per_label[1].precision == doctest::Approx(3.0 / 5));
  CHECK(m.per_label[1].recall == doctest::Approx(0.5));
  CHECK(m.per_label[1].f1 == doctest::Approx(6.0 / 11));
  CHECK(m.per_label[2].f1 == doctest::Approx(0.8));
  CHECK(m.per_label[1].support == 6);
  CHECK(m.per_label[0].predicted == 7);
  // Label d: no support, no predictions: zero_division = 0, and it still counts in the mean.
  CHECK(m.per_label[3].precision == 0.0);
  CHECK(m.per_label[3].f1 == 0.0);
  CHECK(m.macro_f1 == doctest::Approx((10.0 / 13 + 6.0 / 11 + 0.8 + 0.0) / 4));
  CHECK(m.macro_precision == doctest::Approx((5.0 / 7 + 0.6 + 0.8) / 4));
  CHECK(m.macro_recall == doctest::Approx((5.0 / 6 + 0.5 + 0.8) / 4));
}

TEST_CASE("empty confusion and bad labels") {
  attn::ConfusionMatrix cm(2);
  const attn::ClassificationMetrics m = attn::compute_metrics(cm);
  CHECK(m.n == 0);
  CHECK(m.accuracy == 0.0);
  CHECK(m.macro_f1 == 0.0);
  CHECK_THROWS_AS(cm.add(2, 0), std::out_of_range);
  CHECK_THROWS_AS(cm.add(0, -1), std::out_of_range);
  CHECK_THROWS_AS(attn::ConfusionMatrix(0), std::invalid_argument);
  CHECK_THROWS_AS(attn::metrics_text(cm, {"only-one"}), std::invalid_argument);
  attn::ConfusionMatrix other(2);
  other.add(1, 1, 3);
  cm.merge(other);
  CHECK(cm.at(1, 1) == 3);
  CHECK(cm.total() == 3);
}

TEST_CASE("JSON and text renderings carry the numbers") {
  const std::vector<std::string> names{"cat", "dog", "bird", "fish"};
  const nlohmann::json j = attn::metrics_json(example(), names);
  CHECK(j["n"] == 17);
  CHECK(j["accuracy"].get<double>() == doctest::Approx(12.0 / 17));
  CHECK(j["labels"][2] == "bird");
  CHECK(j["per_label"][1]["label"] == "dog");
  CHECK(j["per_label"][1]["support"] == 6);
  CHECK(j["per_label"][0]["f1"].get<double>() == doctest::Approx(10.0 / 13));
  CHECK(j["confusion_matrix"][1][0] == 2);
  CHECK(j["confusion_matrix"].size() == 4);
  CHECK(j.contains("macro_f1"));

  const std::string text = attn::metrics_text(example(), names);
  CHECK(text.find("N         17\n") != std::string::npos);
  CHECK(text.find("accuracy  0.7059\n") != std::string::npos);
  CHECK(text.find("macro-F1  0.5287\n") != std::string::npos);
  CHECK(text.find("dog       0.6000     0.5000     0.5455          6\n") != std::string::npos);
  CHECK(text.find("dog      2    3     1     0\n") != std::string::npos);
  // Unnamed labels are numbered.
  CHECK(attn::metrics_json(example(), {})["labels"][3] == "3");
}
