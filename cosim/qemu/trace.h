/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 */
#include "trace/trace-hw_misc_aie4sim.h"
