/* applet.h - the entry point of every applet, from their //applet: lines. */
#pragma once

#include "chatbox.h"

#define APPLET(name, fn, sym) int fn##_main(int argc, char **argv);
#include "applets.h"
#undef APPLET
