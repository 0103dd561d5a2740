// tilegraph-tp: the tilegraph command line with `run --tp N` running its ranks here, on
// Open MPI. tilegraph execs it for --tp (tools/tp_launch.hpp); every other command is the
// same code as tilegraph's.
#include "tools/command.hpp"
#include "tools/tp/run_ranks.hpp"
#include "tools/tp_launch.hpp"

int main(int argc, char** argv) {
  tg::cli::tp_runner() = &tg::cli::run_ranks;
  return tg::cli::main_with(argc, argv);
}
