#pragma once
// Fitting an image of any aspect ratio into the model's square input (stb_image_resize).
#include <string>

#include "attn/vision/image.h"

namespace attn::vision {

enum class Fit {
  Crop,     // scale so the shorter side fits, keep the centre square (nothing is distorted)
  Pad,      // scale so the longer side fits, centre it on black (nothing is cut off)
  Stretch,  // scale each side on its own (nothing is cut off, the shape may distort)
};

Fit fit_from_string(const std::string& s);  // "crop", "pad", "stretch"; attn::Error otherwise
std::string to_string(Fit f);

// Which source rectangle goes to which rectangle of the size x size output.
struct FitGeometry {
  int src_x = 0, src_y = 0, src_w = 0, src_h = 0;
  int dst_x = 0, dst_y = 0, dst_w = 0, dst_h = 0;
};

FitGeometry fit_geometry(int width, int height, int size, Fit fit);

// The image resampled to size x size with the same channels. Pixels outside the
// destination rectangle (Pad) are 0. A source rectangle already of the output's size is copied.
Image fit_image(const Image& image, int size, Fit fit);

}  // namespace attn::vision
