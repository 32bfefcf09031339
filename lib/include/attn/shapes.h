#pragma once
// Shape legend used in comments throughout attn:
//   B batch (sequences in a packed batch)   T tokens (rows of a packed batch)
//   C channels (model width)                H heads          D head size (C = H*D)
//   F feed-forward width                    V vocabulary / table rows
//   N nodes                                 E edges          K classes
// Buffers are row-major: "x: (T, C)" means x[t*C + c].
