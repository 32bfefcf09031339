#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "attn/error.h"
#include "attn/rng.h"
#include "attn/vision/augment.h"
#include "attn/vision/heatmap.h"
#include "attn/vision/idx.h"
#include "attn/vision/image.h"
#include "attn/vision/normalize.h"
#include "attn/vision/patchify.h"
#include "attn/vision/resize.h"

using namespace attn;
using namespace attn::vision;

namespace {

Image gradient_image(int w, int h, int c) {
  Image img(w, h, c);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) img.row(y)[x * c + k] = static_cast<uint8_t>((x * 7 + y * 3 + k * 50) % 256);
  return img;
}

void put_u32(std::vector<uint8_t>& v, uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<uint8_t>(x >> s));
}

// A PNG signature and IHDR chunk declaring w x h, with nothing after it.
std::vector<uint8_t> png_header(uint32_t w, uint32_t h) {
  std::vector<uint8_t> v = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  put_u32(v, 13);
  std::vector<uint8_t> chunk = {'I', 'H', 'D', 'R'};
  put_u32(chunk, w);
  put_u32(chunk, h);
  for (uint8_t b : {8, 0, 0, 0, 0}) chunk.push_back(b);  // 8-bit grey
  v.insert(v.end(), chunk.begin(), chunk.end());
  put_u32(v, static_cast<uint32_t>(crc32(0, chunk.data(), static_cast<uInt>(chunk.size()))));
  return v;
}

std::vector<uint8_t> idx_bytes(uint32_t magic, std::vector<uint32_t> dims, size_t payload) {
  std::vector<uint8_t> v;
  put_u32(v, magic);
  for (uint32_t d : dims) put_u32(v, d);
  for (size_t i = 0; i < payload; ++i) v.push_back(static_cast<uint8_t>(i * 13));
  return v;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("patchify cuts (py, px, c) patches in grid order and unpatchify inverts it") {
  const int S = 6, C = 2, p = 3;
  std::vector<float> img(S * S * C), patches(S * S * C), back(S * S * C, -1.0f);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<float>(i);
  patchify(S, C, p, img.data(), patches.data());
  // Patch 1 is grid (0, 1): pixels x 3..5 of rows 0..2. Its value (py=1, px=2, c=1) is
  // pixel (y=1, x=5), channel 1.
  const int P = p * p * C;
  CHECK(patches[1 * P + (1 * p + 2) * C + 1] == img[(1 * S + 5) * C + 1]);
  // Patch 2 is grid (1, 0); its first value is pixel (3, 0).
  CHECK(patches[2 * P] == img[(3 * S + 0) * C]);
  unpatchify(S, C, p, patches.data(), back.data());
  CHECK(back == img);
  CHECK_THROWS_AS(patchify(7, 1, 3, img.data(), patches.data()), std::invalid_argument);
}

TEST_CASE("fit geometry: crop keeps the centre square, pad centres, stretch takes everything") {
  const FitGeometry crop = fit_geometry(100, 50, 32, Fit::Crop);
  CHECK(crop.src_x == 25);
  CHECK(crop.src_y == 0);
  CHECK(crop.src_w == 50);
  CHECK(crop.src_h == 50);
  CHECK(crop.dst_w == 32);
  CHECK(crop.dst_h == 32);
  const FitGeometry tall = fit_geometry(40, 90, 32, Fit::Crop);
  CHECK(tall.src_x == 0);
  CHECK(tall.src_y == 25);
  CHECK(tall.src_h == 40);
  const FitGeometry pad = fit_geometry(100, 50, 32, Fit::Pad);
  CHECK(pad.src_w == 100);
  CHECK(pad.src_h == 50);
  CHECK(pad.dst_w == 32);
  CHECK(pad.dst_h == 16);
  CHECK(pad.dst_x == 0);
  CHECK(pad.dst_y == 8);
  const FitGeometry stretch = fit_geometry(100, 50, 32, Fit::Stretch);
  CHECK(stretch.src_w == 100);
  CHECK(stretch.dst_w == 32);
  CHECK(stretch.dst_h == 32);
  CHECK(fit_from_string("pad") == Fit::Pad);
  CHECK_THROWS_AS(fit_from_string("zoom"), Error);
}

TEST_CASE("fit_image copies at the same size, pads with black and resizes") {
  const Image img = gradient_image(28, 28, 1);
  CHECK(fit_image(img, 28, Fit::Crop).pixels == img.pixels);
  Image wide(40, 20, 3);
  std::fill(wide.pixels.begin(), wide.pixels.end(), uint8_t(200));
  const Image padded = fit_image(wide, 20, Fit::Pad);
  CHECK(padded.width == 20);
  CHECK(padded.height == 20);
  CHECK(padded.row(0)[0] == 0);               // above the 20x10 picture: black
  CHECK(padded.row(10)[10 * 3 + 1] == 200);   // inside it: the image's colour
  CHECK(padded.row(19)[0] == 0);
  const Image cropped = fit_image(gradient_image(64, 32, 1), 16, Fit::Crop);
  CHECK(cropped.width == 16);
  CHECK(cropped.channels == 1);
}

TEST_CASE("decode: PNG round trip, channel conversion and every kind of bad input") {
  const Image img = gradient_image(12, 9, 3);
  const std::vector<uint8_t> png = encode_png(img);
  const Image back = decode_image(png, 3);
  CHECK(back.width == 12);
  CHECK(back.height == 9);
  CHECK(back.pixels == img.pixels);
  CHECK(decode_image(png, 1).channels == 1);
  CHECK(probe_image(png).channels == 3);

  CHECK(error_of([] { decode_image({}, 1); }).find("empty file") != std::string::npos);
  const std::string text = "just some text, not a picture\n";
  CHECK(error_of([&] {
          decode_image({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, 1);
        }).find("not an image") != std::string::npos);
  std::vector<uint8_t> cut(png.begin(), png.begin() + png.size() / 2);
  CHECK(!error_of([&] { decode_image(cut, 1); }).empty());
  const auto huge = png_header(100000, 100000);
  CHECK(error_of([&] { decode_image(huge, 1); }).find("100000x100000") != std::string::npos);
  CHECK(error_of([&] { decode_image(encode_png(gradient_image(7, 20, 1)), 1); })
            .find("at least 8x8") != std::string::npos);
  // A JPEG without its end-of-image marker after the last scan is refused.
  const std::vector<uint8_t> jpeg_start = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x02};
  CHECK(!error_of([&] { decode_image(jpeg_start, 1); }).empty());
}

TEST_CASE("IDX: images and labels, magic, counts and sizes checked") {
  const auto images = idx_bytes(0x803, {3, 4, 5}, 60);
  const IdxImages got = parse_idx_images(memory_source(images), "img");
  CHECK(got.count == 3);
  CHECK(got.rows == 4);
  CHECK(got.cols == 5);
  CHECK(got.pixels.size() == 60);
  CHECK(got.pixels[59] == static_cast<uint8_t>(59 * 13));
  CHECK(parse_idx_labels(memory_source(idx_bytes(0x801, {4}, 4)), "lab").size() == 4);

  auto err = [](const std::vector<uint8_t>& b, bool labels) {
    return error_of([&] {
      if (labels) parse_idx_labels(memory_source(b), "f");
      else parse_idx_images(memory_source(b), "f");
    });
  };
  CHECK(err(idx_bytes(0x801, {3}, 3), false).find("magic number 0x00000801") != std::string::npos);
  CHECK(err(idx_bytes(0x803, {3, 4, 5}, 59), false).find("declares 60") != std::string::npos);
  CHECK(err(idx_bytes(0x803, {3, 4, 5}, 61), false).find("more data") != std::string::npos);
  CHECK(err(idx_bytes(0x803, {0, 4, 5}, 0), false).find("count 0") != std::string::npos);
  CHECK(err(idx_bytes(0x803, {1, 5000, 5}, 0), false).find("side 5000") != std::string::npos);
  // A header declaring 4 GB of images holds 10 bytes: an error, not a 4 GB allocation.
  CHECK(err(idx_bytes(0x803, {1000000, 64, 64}, 10), false).find("declares") != std::string::npos);
  CHECK(err({0, 0, 8}, true).find("too short") != std::string::npos);

  // A gzipped file reads the same as the plain one.
  const auto path = (std::filesystem::temp_directory_path() / "attn_test_idx.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f);
  gzwrite(f, images.data(), static_cast<unsigned>(images.size()));
  gzclose(f);
  CHECK(read_idx_images(path).pixels == got.pixels);
  std::filesystem::remove(path);
  CHECK(error_of([] { read_idx_labels("/nonexistent/labels.idx"); }).find("cannot open") !=
        std::string::npos);
}

TEST_CASE("attention rollout on a hand-computed example") {
  // A1 = [[.2 .4 .4] [0 1 0] [0 0 1]] -> A1' = [[.6 .2 .2] [0 1 0] [0 0 1]]
  // A2 = [[0 1 0] [0 1 0] [0 0 1]]    -> A2' = [[.5 .5 0] [0 1 0] [0 0 1]]
  // R = A2' A1': row 0 = .5 * [.6 .2 .2] + .5 * [0 1 0] = [.3 .6 .1]
  const std::vector<std::vector<float>> layers = {{0.2f, 0.4f, 0.4f, 0, 1, 0, 0, 0, 1},
                                                  {0, 1, 0, 0, 1, 0, 0, 0, 1}};
  const auto R = attention_rollout(3, layers);
  CHECK(R[0] == doctest::Approx(0.3));
  CHECK(R[1] == doctest::Approx(0.6));
  CHECK(R[2] == doctest::Approx(0.1));
  CHECK(R[4] == doctest::Approx(1.0));
  const auto w = token_weights(3, R);  // the class token's share of each patch
  REQUIRE(w.size() == 2);
  CHECK(w[0] == doctest::Approx(6.0 / 7.0));
  CHECK(w[1] == doctest::Approx(1.0 / 7.0));
  // A head reading the tokens by (.5, .25, .25): .5 [.3 .6 .1] + .25 [0 1 0] + .25 [0 0 1]
  // = [.15 .55 .30]; the patches' share: .55 and .30 of .85.
  const auto pooled = token_weights(3, R, std::vector<float>{0.5f, 0.25f, 0.25f});
  REQUIRE(pooled.size() == 2);
  CHECK(pooled[0] == doctest::Approx(11.0 / 17.0));
  CHECK(pooled[1] == doctest::Approx(6.0 / 17.0));
  CHECK(token_weights(3, R, std::vector<float>{1, 0, 0}) == w);
  CHECK_THROWS_AS(token_weights(3, R, std::vector<float>{1, 0}), std::invalid_argument);
  CHECK(attention_rollout(2, {})[1] == 0.0);
}

TEST_CASE("augmentation is seeded; crop shifts with fill; flip mirrors; mixup pairs items") {
  const int S = 8, C = 1;
  std::vector<float> base(S * S);
  for (int i = 0; i < S * S; ++i) base[i] = static_cast<float>(i);
  const float fill = -5.0f;
  AugmentConfig cfg;
  cfg.crop_padding = 2;
  cfg.erase_prob = 0.5f;
  cfg.flip = true;
  auto run = [&](uint64_t seed) {
    std::vector<float> x = base;
    Rng rng(seed);
    augment_image(S, C, x.data(), &fill, cfg, rng);
    return x;
  };
  CHECK(run(3) == run(3));
  bool differs = false, has_fill = false;
  for (uint64_t s = 0; s < 20; ++s) {
    const auto x = run(s);
    differs |= x != base;
    for (float v : x) has_fill |= v == fill;
  }
  CHECK(differs);
  CHECK(has_fill);

  AugmentConfig flip_only;
  flip_only.flip = true;
  int flipped = 0;
  for (uint64_t s = 0; s < 40; ++s) {
    std::vector<float> x = base;
    Rng rng(s);
    augment_image(S, C, x.data(), &fill, flip_only, rng);
    if (x != base) {
      ++flipped;
      CHECK(x[0] == base[S - 1]);
    }
  }
  CHECK(flipped > 5);
  CHECK(flipped < 35);

  AugmentConfig mix;
  mix.mixup_alpha = 0.4f;
  std::vector<float> batch(2 * S * S);
  for (int i = 0; i < S * S; ++i) batch[i] = 1.0f, batch[S * S + i] = 0.0f;
  Rng rng(9);
  const BatchMix m = mix_batch(2, S, C, batch.data(), mix, rng);
  REQUIRE(m.partner.size() == 2);
  const float lam = m.lambda[0];
  CHECK(lam >= 0.0f);
  CHECK(lam <= 1.0f);
  const float expect0 = m.partner[0] == 0 ? 1.0f : lam;  // item 0 is all ones
  CHECK(batch[5] == doctest::Approx(expect0));
  double mean = 0.0;
  Rng r2(1);
  for (int i = 0; i < 2000; ++i) mean += sample_beta(0.5f, r2);
  CHECK(mean / 2000 == doctest::Approx(0.5).epsilon(0.05));
}

TEST_CASE("normalisation statistics and the heat-map overlay") {
  Image a(8, 8, 1), b(8, 8, 1);
  std::fill(a.pixels.begin(), a.pixels.end(), uint8_t(0));
  std::fill(b.pixels.begin(), b.pixels.end(), uint8_t(255));
  const ChannelStats st = channel_stats({a, b});
  CHECK(st.mean[0] == doctest::Approx(0.5));
  CHECK(st.std[0] == doctest::Approx(0.5));
  std::vector<float> out(64);
  normalize(b, st, out.data());
  CHECK(out[0] == doctest::Approx(1.0));

  std::vector<float> w(4, 0.0f);
  w[3] = 1.0f;  // bottom-right patch only
  const Image heat = render_heatmap(a, w, 2, "shirt 0.91");
  CHECK(heat.channels == 3);
  CHECK(heat.width == 224);
  CHECK(heat.height > 224);
  const int bar = heat.height - 224;
  const uint8_t* bottom_right = heat.row(heat.height - 1) + (heat.width - 1) * 3;
  const uint8_t* top_left = heat.row(bar) + 0;
  CHECK(bottom_right[0] > 100);  // red overlay over black
  CHECK(top_left[0] == 0);       // weight 0: the image itself
  int white = 0;
  for (int y = 0; y < bar; ++y)
    for (int x = 0; x < heat.width; ++x) white += heat.row(y)[x * 3] == 255;
  CHECK(white > 20);  // the caption was drawn
}
