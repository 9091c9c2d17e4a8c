#include <gtest/gtest.h>

#include "envelope/codec.h"

TEST(Envelope, Placeholder) { SUCCEED(); }
