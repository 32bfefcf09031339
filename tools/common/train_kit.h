#pragma once
// The train kit, in one include for a tool's cmd_train.cc:
//   fit_options.h      --epochs --lr ... --valid --patience --class-weight --init --storage
//   encoder_options.h  --dim --layers --heads --ff-dim --dropout
//   settings_table.h   the settings: line and --init's fixed flags, from one list
//   init_model.h       --init: the saved model loaded, conflicting flags refused
//   fine_tune.h        --init: the saved weights copied, a head for other labels afresh
//   class_weights.h    --class-weight none|balanced|FILE
//   labels.h           label lists and ids
//   train_checks.h     the output and labels checked before training
//   train_run.h        fit with progress, validation and early stopping; the model's metadata
//   command_line.h     the command recorded in the model file
//   embedded_model.h   --init's model (a file, or the built-in one)
#include "attn/rng.h"
#include "common/batch_errors.h"
#include "common/class_weights.h"
#include "common/cli.h"
#include "common/command_line.h"
#include "common/embedded_model.h"
#include "common/encoder_options.h"
#include "common/fine_tune.h"
#include "common/fit_options.h"
#include "common/init_model.h"
#include "attn/data/labels.h"
#include "common/log.h"
#include "common/run_guarded.h"
#include "common/settings_table.h"
#include "common/train_checks.h"
#include "common/train_run.h"
