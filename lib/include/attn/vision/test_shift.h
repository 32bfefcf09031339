#pragma once
// Test-time view averaging: a ViT's probabilities averaged over the image and copies of it
// moved a few pixels (padded with normalised black, as crop-padding training pads), and, for
// models trained with --flip, their mirror images. On Fashion-MNIST validation the 5-view cross
// added about 0.9 points (assets/models/README.md).
#include <string>
#include <vector>

#include "attn/error.h"
#include "attn/vision/normalize.h"
#include "attn/vision/vit.h"

namespace attn::vision {

// Which moves: Cross, the image and 4 copies moved `shift` pixels left, right, up and down;
// Grid, every move (dy, dx) with |dy|, |dx| <= shift, (2 shift + 1)^2 views.
enum class ShiftPattern { Cross, Grid };

struct TestViews {
  int shift = 0;  // pixels; 0 and no flip: one plain view
  ShiftPattern pattern = ShiftPattern::Cross;
  bool flip = false;  // each moved view also mirrored left-right

  bool plain() const { return shift == 0 && !flip; }  // one view: the image itself
  bool operator==(const TestViews&) const = default;
};

struct ViewMove {
  int dy = 0, dx = 0;
  bool mirror = false;
};

// The views' moves, the unmoved, unmirrored image first.
std::vector<ViewMove> view_moves(const TestViews& views);

// The pattern and mirroring as one name: "cross", "grid", "cross+flip" or "grid+flip".
std::string views_name(const TestViews& views);
// Sets views.pattern and views.flip from such a name (the shift is kept); attn::Error otherwise.
void set_views_name(const std::string& name, TestViews& views);

// The normalised value of a black pixel, per channel: what padded pixels get.
std::vector<float> normalised_black(const ChannelStats& stats);

// probs: (B, K). images: (B, S, S, C), normalised. One view: the plain softmax of one forward.
void view_mean_probs(const ViT& model, int B, const float* images, const std::vector<float>& black,
                     const TestViews& views, float* probs);

// Throws attn::Error unless 0 <= shift <= image_size / 4 (larger moves lose the object).
void check_test_shift(int shift, int image_size);

// A bad choice of views, saying which part was wrong so that a tool can name its flag.
class TestViewsError : public Error {
 public:
  enum class Part { Shift, Views };
  TestViewsError(Part part, const std::string& what) : Error(what), part(part) {}
  Part part;
};

// `views` with a choice applied, the shift checked first: shift >= 0 replaces the shift
// (check_test_shift), a non-empty name the pattern and mirroring (set_views_name).
TestViews choose_views(TestViews views, int image_size, int shift, const std::string& name);

}  // namespace attn::vision
