#pragma once
// attn-image train's own options, declared once (attn/declared_option.h) in --help's order,
// which puts the encoder's shape (--dim --layers --heads --dropout, the flags every tool shares)
// between the first two lists. The help of a setting derived from the training images
// (derive_settings) says so; the field's placeholder (0, -1) is what --help shows as its default.
#include <string>
#include <utility>

#include "attn/declared_option.h"
#include "attn/vision/train_setup.h"

namespace attn::vision {

// How an image becomes the model's input: its side, channels, fit, patch embedding and patches;
template <class Visit>
void for_each_image_input_option(TrainSettings& s, Visit&& visit) {
  visit(declare("image-size", s.image_size, "Model input side S (default: the images' median shorter side, at most 64)").range(8, 1024));
  visit(declare("channels", s.channels, "1 grey or 3 colour (default: 3 if any image is in colour)").one_of({1, 3}));
  visit(declare("fit", s.fit, "How other sizes become S x S: centre crop, pad with black, or stretch")
            .named({{"crop", Fit::Crop}, {"pad", Fit::Pad}, {"stretch", Fit::Stretch}}));
  visit(declare("stem", s.model.stem,
                "Patch embedding: one linear map per patch, or 3x3 stride-2 convolutions (default: conv when the patch is a power of two)")
            .named({{"linear", StemKind::Linear}, {"conv", StemKind::Conv}}));
  visit(declare("patch", s.patch, "Patch side p, dividing S (default: the smallest giving at most 8 x 8 patches)").range(1, 1024));
}

// the ViT's shape beyond the encoder's, and its stochastic depth;
template <class Visit>
void for_each_vit_option(ViTConfig& m, Visit&& visit) {
  visit(declare("mlp-ratio", m.mlp_ratio, "Feed-forward width as a multiple of --dim").range(0.25, 16.0));
  visit(declare("drop-path", m.drop_path,
                "Stochastic depth of the last block, linearly less below (default: 0.1, or 0 from 20,000 images)")
            .range(0.0, 0.9)
            .fixed_if(false));
  visit(declare("pool", m.pool,
                "Head input: the class token, the mean of all tokens, or their mean weighted by a learned score "
                "(sequence pooling, Hassani et al. 2021)")
            .named({{"cls", PoolKind::Cls}, {"mean", PoolKind::Mean}, {"attention", PoolKind::Attention}}));
  visit(declare("locality", m.locality,
                "Locality self-attention for small data (Lee et al. 2021): no token attends to itself, and each head "
                "learns its softmax temperature"));
}

// and the run's augmentation, in training and at test time, and its label smoothing (none of
// them fixed by train --init).
template <class Visit>
void for_each_image_augment_option(TrainSettings& s, Visit&& visit) {
  AugmentConfig& g = s.train.augment;
  const auto option = [](std::string name, auto& value, std::string help) {
    return declare(std::move(name), value, std::move(help)).fixed_if(false);
  };
  visit(option("crop-padding", g.crop_padding, "Random crop after padding by this many pixels (default: S/8, or 0 from 20,000 images)")
            .range(0, 256));
  visit(option("test-shift", s.test_shift,
               "Validation, eval and predict average the image and copies moved this many pixels (0: off; default: 1 "
               "with crop padding, else 0); stored in the model")
            .range(0, 256));
  visit(option("test-views", s.test_views,
               "Which moved copies --test-shift averages: cross (4 moves) or grid (every move within the shift: 8 at "
               "shift 1); +flip adds their mirror images (for --flip models); stored in the model"));
  visit(option("flip", g.flip, "Random horizontal flips (not for digits or text)"));
  visit(option("erase", g.erase_prob, "Random-erasing probability (default: 0.25, or 0 from 20,000 images)").range(0.0, 1.0));
  visit(option("mixup", g.mixup_alpha, "Mixup alpha (0: off)").range(0.0, 10.0));
  visit(option("cutmix", g.cutmix_alpha, "CutMix alpha (0: off)").range(0.0, 10.0));
  visit(option("label-smoothing", s.train.label_smoothing, "Label smoothing (default: 0.1, or 0 from 20,000 images)")
            .range(0.0, 0.5));
}

}  // namespace attn::vision
