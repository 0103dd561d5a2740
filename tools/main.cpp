// tilegraph: build, check, run, simulate and draw task graphs.
// Exit codes (docs/cli.md): 0 success, 1 a check failed, 2 bad input or usage, 3 a runtime
// failure. Every exception that reaches the CLI becomes one of these with its text; none aborts.
#include "tools/command.hpp"

int main(int argc, char** argv) { return tg::cli::main_with(argc, argv); }
